// End-to-end support: a simulator estate, collected into a fresh SQLite store, driven through the real CLI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { SIM_ROOT_CREDENTIALS, startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { main } from '../../src/cli/main.ts';
import type { AuditRow } from '../../src/policy/audit.ts';

export const FIXTURES = new URL('../fixtures/policies/', import.meta.url).pathname;
export const ROOT = new URL('../../', import.meta.url).pathname;

export interface Estate {
  sim: RunningSimulator;
  dir: string;
  db: string;
  /** Runs `amiwarden <args>` in-process against this estate's store and simulator. */
  cli(...args: string[]): Promise<number>;
  collect(): Promise<void>;
  audit(policy?: string): AuditRow[];
  close(): Promise<void>;
}

export async function openEstate(seed: string): Promise<Estate> {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: SIM_ROOT_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SIM_ROOT_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const sim = await startSimulator({ seed, port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'amw-policy-'));
  const db = join(dir, 'amiwarden.db');
  const cli = (...args: string[]) => {
    // main() reports process.exitCode when set; one command's code must not leak into the next.
    process.exitCode = undefined;
    return main(['node', 'amiwarden', ...args]);
  };
  return {
    sim,
    dir,
    db,
    cli,
    async collect() {
      const rc = await cli('collect', '--db', db, '--endpoint', sim.url, '--organizations', '--quiet');
      if (rc !== 0) throw new Error(`collect exited ${rc}`);
    },
    audit(policy) {
      const h = new Database(db, { readonly: true });
      try {
        const rows = h
          .prepare(`select * from policy_audit ${policy ? 'where policy = ?' : ''} order by rowid`)
          .all(...(policy ? [policy] : [])) as Record<string, string>[];
        return rows.map((r) => ({
          runId: r.run_id ?? '',
          time: r.time ?? '',
          policy: r.policy ?? '',
          group: r.group_name ?? '',
          accountId: r.account_id ?? '',
          region: r.region ?? '',
          resourceId: r.resource_id ?? '',
          action: r.action ?? '',
          outcome: r.outcome as AuditRow['outcome'],
          reason: r.reason ?? '',
        }));
      } finally {
        h.close();
      }
    },
    async close() {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The real binary in a child process, for exit codes and stderr lines. */
export function spawnCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/amiwarden.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
