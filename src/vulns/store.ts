import type { Kysely } from 'kysely';
import { insertChunked } from '../store/insert-chunked.ts';
import type { Database } from '../store/schema.ts';
import type { AdvisoryImportsTable, AdvisoryRowsTable } from '../store/tables/advisories.ts';
import type { AdvisoryRow, AdvisoryStatus, Severity, SourceKind } from './model.ts';

/** A stored advisory row with when it was first seen. */
export interface StoredAdvisory extends AdvisoryRow {
  readonly firstSeen: string;
}

/** Identity of a row within one source location; a re-import keeps first_seen for an unchanged fix. */
export function rowKey(
  r: Pick<AdvisoryRow, 'advisoryId' | 'distro' | 'release' | 'packageName' | 'arch'>,
): string {
  return [r.advisoryId, r.distro, r.release, r.packageName, r.arch].join('\u0000');
}

// 17 columns x 500 rows stays under SQLite's and PostgreSQL's bound-parameter limits.
const BATCH = 500;

/** Replaces the rows of one (kind, location) in one transaction and records the import. */
export async function replaceSourceRows(
  db: Kysely<Database>,
  imp: AdvisoryImportsTable,
  rows: readonly AdvisoryRow[],
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const previous = await trx
      .selectFrom('advisory_rows')
      .select(['advisory_id', 'distro', 'release', 'package_name', 'arch', 'fixed_version', 'first_seen'])
      .where('source', '=', imp.kind)
      .where('location', '=', imp.location)
      .execute();
    const firstSeen = new Map<string, { fixed: string | null; at: string }>();
    for (const p of previous)
      firstSeen.set(
        rowKey({
          advisoryId: p.advisory_id,
          distro: p.distro,
          release: p.release,
          packageName: p.package_name,
          arch: p.arch,
        }),
        { fixed: p.fixed_version, at: p.first_seen },
      );
    await trx
      .deleteFrom('advisory_rows')
      .where('source', '=', imp.kind)
      .where('location', '=', imp.location)
      .execute();
    const seen = new Set<string>();
    const values: AdvisoryRowsTable[] = [];
    for (const r of rows) {
      const key = rowKey(r);
      // A feed may list one package twice (several OSV ranges); the first statement wins.
      if (seen.has(key)) continue;
      seen.add(key);
      const prev = firstSeen.get(key);
      values.push({
        source: r.source,
        location: imp.location,
        advisory_id: r.advisoryId,
        distro: r.distro,
        release: r.release,
        package_name: r.packageName,
        package_kind: r.packageKind,
        arch: r.arch,
        status: r.status,
        fixed_version: r.fixedVersion,
        affected_from: r.affectedFrom,
        severity: r.severity,
        fix_date: r.fixDate,
        cves: JSON.stringify(r.cves),
        first_seen: prev && prev.fixed === r.fixedVersion ? prev.at : imp.started_at,
        import_id: imp.import_id,
      });
    }
    await insertChunked(trx, 'advisory_rows', values, BATCH);
    await trx
      .insertInto('advisory_imports')
      .values({ ...imp, rows: values.length })
      .execute();
    return values.length;
  });
}

export async function recordFailedImport(db: Kysely<Database>, imp: AdvisoryImportsTable): Promise<void> {
  await db.insertInto('advisory_imports').values(imp).execute();
}

export function toAdvisory(r: AdvisoryRowsTable): StoredAdvisory {
  return {
    source: r.source as SourceKind,
    advisoryId: r.advisory_id,
    cves: JSON.parse(r.cves) as string[],
    distro: r.distro,
    release: r.release,
    packageName: r.package_name,
    packageKind: r.package_kind as 'source' | 'binary',
    arch: r.arch,
    status: r.status as AdvisoryStatus,
    fixedVersion: r.fixed_version,
    affectedFrom: r.affected_from,
    severity: r.severity as Severity,
    fixDate: r.fix_date,
    firstSeen: r.first_seen,
  };
}

/** Rows for one distribution release; only those naming `names` when given (in chunks, by index). */
export async function advisoriesFor(
  db: Kysely<Database>,
  distro: string,
  release: string,
  names?: readonly string[],
): Promise<StoredAdvisory[]> {
  const base = db
    .selectFrom('advisory_rows')
    .selectAll()
    .where('distro', '=', distro)
    .where('release', '=', release);
  if (!names) return (await base.execute()).map(toAdvisory);
  const unique = [...new Set(names)];
  const out: StoredAdvisory[] = [];
  for (let i = 0; i < unique.length; i += BATCH)
    for (const r of await base.where('package_name', 'in', unique.slice(i, i + BATCH)).execute())
      out.push(toAdvisory(r));
  return out;
}

/** The latest successful import per (kind, location) that has rows for a distribution release. */
export async function importsFor(
  db: Kysely<Database>,
  distro: string,
  release: string,
): Promise<AdvisoryImportsTable[]> {
  return db
    .selectFrom('advisory_imports')
    .selectAll()
    .where('status', '=', 'ok')
    .where('import_id', 'in', (eb) =>
      eb
        .selectFrom('advisory_rows')
        .select('import_id')
        .distinct()
        .where('distro', '=', distro)
        .where('release', '=', release),
    )
    .orderBy('started_at', 'desc')
    .execute();
}

export async function listImports(db: Kysely<Database>): Promise<AdvisoryImportsTable[]> {
  return db.selectFrom('advisory_imports').selectAll().orderBy('started_at', 'desc').execute();
}
