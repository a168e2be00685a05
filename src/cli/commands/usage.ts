import { existsSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Kysely } from 'kysely';
import { AmwError } from '../../errors.ts';
import { isPostgresUrl, openStore } from '../../store/db.ts';
import type { Database } from '../../store/schema.ts';
import { inChunks } from '../../store/queries/image-usage.ts';
import { imageUsageReports } from '../../store/queries/usage-explain.ts';
import { addFlags, commonFlags, defineFlag, parseNow } from '../flags.ts';
import { usageCsv, usageText } from '../usage-output.ts';
import type { CommandModule } from './index.ts';
import { globRegExp } from '../../glob-regexp.ts';

const AMI_ID = '^ami-[0-9a-f]{8,17}$';

const flags = {
  name: defineFlag({
    name: 'name',
    description: 'also every image whose name matches this glob (* and ?), deregistered ones only while used',
    kind: 'string',
    placeholder: 'glob',
    // AMIWARDEN_NAME would be too easy to set for something else.
    env: 'AMIWARDEN_USAGE_NAME',
  }),
  whatBreaks: defineFlag({
    name: 'what-breaks',
    description: 'list what stops launching if the image is deregistered or disabled now',
    kind: 'boolean',
  }),
  staleDays: defineFlag({
    name: 'stale-days',
    description:
      'a template version or launch configuration older than this, that launched nothing since, is stale',
    kind: 'number',
    placeholder: 'days',
    defaultValue: 180,
  }),
  now: defineFlag({
    name: 'now',
    description: 'compute ages and staleness as of this ISO 8601 time (default: now)',
    kind: 'string',
    placeholder: 'time',
  }),
} as const;

const UsageOptsSchema = Type.Object(
  {
    db: Type.String(),
    format: Type.Union([Type.Literal('table'), Type.Literal('json'), Type.Literal('csv')]),
    name: Type.Optional(Type.String({ minLength: 1 })),
    whatBreaks: Type.Optional(Type.Boolean()),
    staleDays: Type.Integer({ minimum: 0 }),
    now: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
type UsageOpts = Static<typeof UsageOptsSchema>;

/**
 * Images whose name matches: live ones, and deregistered ones only while something still uses
 * them (the "deregistered but running" case), so old history does not flood the answer.
 */
async function imagesNamed(db: Kysely<Database>, glob: string): Promise<string[]> {
  const re = globRegExp(glob);
  const rows = await db
    .selectFrom('images')
    .select(['image_id', 'name', 'deleted_at'])
    .where('name', 'is not', null)
    .orderBy('name')
    .orderBy('image_id')
    .execute();
  const hits = rows.filter((r) => re.test(r.name ?? ''));
  const gone = hits.filter((r) => r.deleted_at !== null).map((r) => r.image_id);
  const used = new Set(
    (
      await inChunks(gone, (ids) =>
        db
          .selectFrom('image_usage')
          .select('image_id')
          .where('in_use', '=', 1)
          .where('image_id', 'in', ids)
          .execute(),
      )
    ).map((u) => u.image_id),
  );
  return hits.filter((r) => r.deleted_at === null || used.has(r.image_id)).map((r) => r.image_id);
}

async function selectImages(
  db: Kysely<Database>,
  ids: string[],
  opts: UsageOpts,
  where: string,
): Promise<string[]> {
  const found = new Set(
    (
      await inChunks(ids, (part) =>
        db.selectFrom('images').select('image_id').where('image_id', 'in', part).execute(),
      )
    ).map((r) => r.image_id),
  );
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length)
    throw new AmwError(
      'AMW_NOT_FOUND',
      `no image ${missing.join(', ')} in the store ${where} (collect first?)`,
    );
  const named = opts.name !== undefined ? await imagesNamed(db, opts.name) : [];
  if (opts.name !== undefined && named.length === 0 && ids.length === 0)
    throw new AmwError('AMW_NOT_FOUND', `no image named like "${opts.name}" in the store ${where}`);
  return [...new Set([...ids, ...named])];
}

export const command: CommandModule = {
  name: 'usage',
  register(program) {
    const cmd = program
      .command('usage')
      .description(
        'explain why images are in use: every reference, its age, what is unknown, what would break',
      )
      .argument('[ami-ids...]', 'images to explain');
    addFlags(cmd, commonFlags.db, commonFlags.format, ...Object.values(flags));
    cmd.action(async (ids: string[], raw: Record<string, unknown>) => {
      const days = raw.staleDays;
      if (typeof days === 'number' && !(Number.isInteger(days) && days >= 0))
        throw new AmwError('AMW_USAGE', `--stale-days expects a whole number of days >= 0, got ${days}`);
      if (!Value.Check(UsageOptsSchema, raw)) {
        const e = Value.Errors(UsageOptsSchema, raw).First();
        throw new AmwError(
          'AMW_USAGE',
          `usage: ${e?.path.slice(1) ?? ''} ${e?.message ?? 'invalid options'}`,
        );
      }
      const opts = raw as UsageOpts;
      const bad = ids.filter((id) => !new RegExp(AMI_ID).test(id));
      if (bad.length) throw new AmwError('AMW_USAGE', `not an AMI id: ${bad.join(', ')}`);
      if (ids.length === 0 && opts.name === undefined)
        throw new AmwError('AMW_USAGE', 'usage: give one or more AMI ids, or --name <glob>');
      const asOf = parseNow(opts.now) ?? new Date();
      // Opening a missing SQLite file would create an empty store and blame the image instead.
      if (!isPostgresUrl(opts.db) && !existsSync(opts.db))
        throw new AmwError(
          'AMW_STORE_OPEN',
          `no asset store at ${opts.db} (run amiwarden collect or demo first)`,
        );
      const store = await openStore(opts.db);
      try {
        const selected = await selectImages(store.db, ids, opts, opts.db);
        const report = await imageUsageReports(store.db, selected, {
          asOf,
          staleDays: opts.staleDays,
          whatBreaks: opts.whatBreaks ?? false,
        });
        if (opts.format === 'json') console.log(JSON.stringify(report, null, 2));
        else if (opts.format === 'csv') console.log(usageCsv(report));
        else console.log(usageText(report));
      } finally {
        await store.close();
      }
    });
  },
};
