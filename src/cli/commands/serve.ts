import { Command } from 'commander';
import { loadGroups } from '../../policy/config.ts';
import { buildServer } from '../../server/app.ts';
import { API_SQL_LIMITS } from '../../store/read-only-sql/index.ts';
import { openStore } from '../../store/db.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import type { CommandModule } from './index.ts';

const serveFlags = {
  host: defineFlag({
    name: 'host',
    description: 'address to listen on',
    kind: 'string',
    defaultValue: '127.0.0.1',
  }),
  port: defineFlag({
    name: 'port',
    short: 'p',
    description: 'port to listen on (0 = any free port)',
    kind: 'number',
    defaultValue: 8080,
  }),
  sqlTimeout: defineFlag({
    name: 'sql-timeout-ms',
    description: 'time limit of one SQL console statement',
    kind: 'number',
    defaultValue: API_SQL_LIMITS.timeoutMs,
  }),
  sqlRows: defineFlag({
    name: 'sql-max-rows',
    description: 'row cap of the SQL console',
    kind: 'number',
    defaultValue: API_SQL_LIMITS.maxRows,
  }),
} as const;

interface ServeOpts {
  db: string;
  config: string;
  host: string;
  port: number;
  sqlTimeoutMs: number;
  // Absent only if the API limits ever drop their row cap: then every row, as the store reads it.
  sqlMaxRows?: number;
  quiet?: boolean;
}

export const command: CommandModule = {
  name: 'serve',
  register(program) {
    const cmd = new Command('serve').description(
      'serve the HTTP API and the web dashboard (127.0.0.1 by default)',
    );
    addFlags(
      cmd,
      commonFlags.db,
      commonFlags.config,
      serveFlags.host,
      serveFlags.port,
      serveFlags.sqlTimeout,
      serveFlags.sqlRows,
      commonFlags.quiet,
    );
    cmd.action(async (opts: ServeOpts) => {
      const store = await openStore(opts.db);
      const groups = await loadGroups(opts.config, false);
      const groupOf = (account: string) => groups.find((g) => g.accounts.includes(account))?.name ?? null;
      const app = await buildServer({
        store,
        target: opts.db,
        groupOf,
        sqlLimits: { timeoutMs: opts.sqlTimeoutMs, maxRows: opts.sqlMaxRows },
      });
      const url = await app.listen({ host: opts.host, port: opts.port });
      if (!opts.quiet) {
        console.log(`amiwarden serving ${store.target} at ${url}`);
        console.log('API calls need a token: amiwarden token create --name me --role operator');
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
      await store.close();
    });
    program.addCommand(cmd);
  },
};
