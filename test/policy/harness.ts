// Policy end-to-end support: fixture paths and the real binary in a child process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const FIXTURES = new URL('../fixtures/policies/', import.meta.url).pathname;
export const ROOT = new URL('../../', import.meta.url).pathname;

/** The real binary in a child process, for exit codes and stderr lines. */
export function spawnCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/amiwarden.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
