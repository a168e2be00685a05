import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createProgress } from '../../collect/progress.ts';
import { AmwError } from '../../errors.ts';
import { isPostgresUrl, openStore } from '../../store/db.ts';
import { AGE_BUCKETS, inventorySummary } from '../../store/queries/summary.ts';
import type { InventorySummary } from '../../store/queries/summary.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import { summaryLine } from './collect.ts';
import type { CommandModule } from './index.ts';

export const DEMO_SEED = fileURLToPath(new URL('../../sim/seeds/demo.yml', import.meta.url));

const demoFlags = {
  seed: defineFlag({
    name: 'seed',
    description: 'estate seed to simulate (default: the built-in demo estate)',
    kind: 'string',
    placeholder: 'file',
  }),
  roleName: defineFlag({
    name: 'role-name',
    description: 'role assumed in member accounts',
    kind: 'string',
    placeholder: 'name',
    defaultValue: 'OrganizationAccountAccessRole',
  }),
} as const;

const list = (ids: string[], max = 6) =>
  ids.length === 0
    ? '-'
    : ids.slice(0, max).join(', ') + (ids.length > max ? `, ... (+${ids.length - max})` : '');

export function formatSummary(s: InventorySummary, db: string): string {
  const out: string[] = [];
  out.push('', 'Images by account and age (owned, not deregistered):');
  out.push(
    `  ${'account'.padEnd(36)}${'total'.padStart(6)}${AGE_BUCKETS.map((b) => b.padStart(10)).join('')}`,
  );
  for (const a of s.byAccount) {
    const label = `${a.accountId}${a.name ? ` ${a.name}` : ''}`.slice(0, 35).padEnd(36);
    out.push(
      `  ${label}${String(a.total).padStart(6)}${AGE_BUCKETS.map((b) => String(a.buckets[b]).padStart(10)).join('')}`,
    );
  }
  out.push('');
  out.push(`Public images:                    ${s.publicImages.length}  ${list(s.publicImages)}`);
  out.push(
    `Cross-account/org/OU shares:      ${s.crossAccountShares.length}  ${list(
      s.crossAccountShares.map((c) => `${c.imageId} -> ${c.grantees.join('+')}`),
      3,
    )}`,
  );
  out.push(`Unencrypted images:               ${s.unencrypted.length}  ${list(s.unencrypted)}`);
  out.push(`Unused images:                    ${s.unused.length}  ${list(s.unused)}`);
  out.push(`In use but older than 180 days:   ${s.inUseOlderThan180d.length}  ${list(s.inUseOlderThan180d)}`);
  out.push(
    `In use, no longer describable:    ${s.inUseNotDescribable.length}  ${list(s.inUseNotDescribable)}`,
  );
  out.push(`Deregistered (kept as history):   ${s.deleted}`);
  out.push(`ASGs pointing at deleted templates: ${s.danglingAsgRefs}`);
  const dbFlag = db === 'amiwarden.db' ? '' : ` --db ${db}`;
  out.push('', 'Try next:');
  out.push(`  amiwarden query${dbFlag} "select kind, state, count(*) from image_usage group by kind, state"`);
  out.push(
    `  amiwarden query${dbFlag} "select image_id, name, owner_id, state, deleted_at from images order by creation_date" -f csv`,
  );
  out.push(
    `  amiwarden query${dbFlag} "select * from image_usage where in_use = 1 and cross_account = 1" -f json`,
  );
  const oldInUse = s.inUseOlderThan180d[0];
  if (oldInUse) out.push(`  amiwarden usage${dbFlag} ${oldInUse} --what-breaks`);
  out.push(`  amiwarden allowed-images simulate${dbFlag}`);
  out.push('  docs/schema.md describes every table and column.');
  return out.join('\n');
}

export const command: CommandModule = {
  name: 'demo',
  register(program) {
    const cmd = program
      .command('demo')
      .description(
        'simulate a realistic AWS estate, collect it into a fresh store, scan its images through the EBS direct API and summarise it',
      );
    addFlags(cmd, commonFlags.db, commonFlags.quiet, ...Object.values(demoFlags));
    cmd.action(async (opts: { db: string; quiet?: boolean; seed?: string; roleName: string }) => {
      if (isPostgresUrl(opts.db))
        throw new AmwError('AMW_USAGE', 'demo writes a fresh SQLite file; give --db a file path');
      // Loaded lazily: only the demo needs the simulator in-process.
      const { startSimulator } = await import('../../sim/index.ts');
      const { collectSimulatedEstate } = await import('../../sim/collect-estate.ts');
      const { formatEstateScans, scanSimulatedEstate } = await import('../../sim/estate-scans.ts');
      const sim = await startSimulator({ seed: opts.seed ?? DEMO_SEED, port: 0 });
      try {
        for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${opts.db}${suffix}`, { force: true });
        const store = await openStore(opts.db);
        try {
          const { result } = await collectSimulatedEstate(sim, store, {
            roleName: opts.roleName,
            run: { progress: createProgress(process.stderr, opts.quiet) },
          });
          console.log(`simulated estate at ${sim.url}; collected into ${opts.db}`);
          console.log(summaryLine(result));
          for (const f of result.scopes.filter((s) => !s.ok))
            console.error(`  failed ${f.accountId}/${f.region}: ${f.error}`);
          console.log(formatSummary(await inventorySummary(store.db, new Date(sim.state.now())), opts.db));
          if (result.status !== 'ok')
            throw new AmwError('AMW_COLLECT_PARTIAL', 'some scopes of the demo estate failed; see above');
          const scans = await scanSimulatedEstate(sim, store);
          const dbFlag = opts.db === 'amiwarden.db' ? '' : ` --db ${opts.db}`;
          console.log(formatEstateScans(scans));
          console.log(
            `  stored in scans: amiwarden query${dbFlag} "select image_id, os_name, completeness, passed, failed from scans"`,
          );
        } finally {
          await store.close();
        }
      } finally {
        await sim.close();
      }
    });
  },
};
