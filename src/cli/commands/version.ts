import { createRequire } from 'node:module';
import type { CommandModule } from './index.ts';

const require = createRequire(import.meta.url);

export const command: CommandModule = {
  name: 'version',
  register(program) {
    program
      .command('version')
      .description('print the amiwarden version')
      .action(() => {
        const pkg = require('../../../package.json') as { version: string };
        console.log(pkg.version);
      });
  },
};
