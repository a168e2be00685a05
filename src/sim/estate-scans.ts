import { sql } from 'kysely';
import { ebsClient, kmsClient, regionClients } from '../aws/clients.ts';
import { AmwError, messageOf } from '../errors.ts';
import { scanVfs } from '../scan/scan-image.ts';
import type { VerdictCounts } from '../scan/scan-image.ts';
import { openAmiSource } from '../scan/sources/ami-source.ts';
import { writeScan, writeUnscannable } from '../scan/store/scan-store.ts';
import type { Store } from '../store/db.ts';
import type { RunningSimulator } from './index.ts';
import { credentialsOf } from './index.ts';
import { writtenBlocks } from './services/ebs-blocks.ts';

export interface EstateScan {
  imageId: string;
  name: string;
  /** The account the image was read as: its owner, or for a third-party image an account that uses it. */
  reader: string;
  scanId?: string;
  os?: string;
  counts?: VerdictCounts;
  completeness?: string;
  blocksFetched?: number;
  blocksListed?: number;
  unscannable?: string;
  /** Any other failure (a reader bug, a broken image): printed, not stored as a scan. */
  error?: string;
}

interface Target {
  imageId: string;
  region: string;
  reader: string;
}

/** Images of estate accounts whose every EBS snapshot has content the EBS direct API can serve. */
function imagesWithContent(sim: RunningSimulator): Target[] {
  const s = sim.state;
  return [...s.images.values()]
    .filter((img) => img.state === 'available' && s.accounts.get(img.ownerId)?.member)
    .filter((img) => {
      const snaps = img.blockDevices.flatMap((b) => (b.snapshotId ? [b.snapshotId] : []));
      return snaps.length > 0 && snaps.every((id) => s.snapshots.get(id)?.content !== undefined);
    })
    .map((img) => ({ imageId: img.id, region: img.region, reader: img.ownerId }))
    .sort((a, b) => (a.imageId < b.imageId ? -1 : 1));
}

/** Third-party images the collected estate uses, each with the first account that uses it. */
async function thirdPartyInUse(store: Store): Promise<Target[]> {
  const rows = await sql<{ image_id: string; region: string; reader: string }>`
    select u.image_id, i.region, min(u.account_id) as reader
    from image_usage u join images i on i.image_id = u.image_id
    where u.in_use = 1 and i.owner_collected = 0 and i.describable = 1
    group by u.image_id, i.region
    order by u.image_id`.execute(store.db);
  return rows.rows.map((r) => ({ imageId: r.image_id, region: r.region, reader: r.reader }));
}

const reasonOf = (err: unknown): string | undefined =>
  err instanceof AmwError && err.code === 'AMW_SCAN_UNSCANNABLE'
    ? (/^.*?: unscannable: ([\s\S]*)$/.exec(err.message)?.[1] ?? err.message)
    : undefined;

async function scanOne(sim: RunningSimulator, store: Store, t: Target): Promise<EstateScan> {
  const img = sim.state.images.get(t.imageId);
  const out: EstateScan = { imageId: t.imageId, name: img?.name ?? '', reader: t.reader };
  const access = { endpoint: sim.url, credentials: credentialsOf(sim.state, t.reader), maxAttempts: 3 };
  const clients = regionClients(access, t.region);
  const ebs = ebsClient(access, t.region);
  const kms = kmsClient(access, t.region);
  const source = `ami:${t.imageId}`;
  const started = new Date();
  try {
    const src = await openAmiSource(source, { ec2: clients.ec2, ebs, kms, accountId: t.reader });
    try {
      const r = await scanVfs(src.vfs);
      out.scanId = await writeScan(store, t.imageId, { ...r, source });
      out.os = r.os.prettyName || r.os.id;
      out.counts = r.counts;
      out.completeness = r.completeness;
      out.blocksFetched = src.devices.reduce((n, d) => n + d.stats.blockCalls, 0);
      out.blocksListed = src.volumes.reduce((n, v) => {
        const snap = sim.state.snapshots.get(v.snapshotId);
        return n + (snap ? writtenBlocks(snap).length : 0);
      }, 0);
    } finally {
      await src.close();
    }
  } catch (err) {
    const reason = reasonOf(err);
    if (reason === undefined) out.error = messageOf(err);
    else {
      out.unscannable = reason;
      out.scanId = await writeUnscannable(store, t.imageId, source, reason, started);
    }
  } finally {
    clients.destroy();
    ebs.destroy();
    kms.destroy();
  }
  return out;
}

/**
 * Scans, through the simulator's EBS direct API, every estate image that has content (read as its
 * owner) and every third-party image the estate uses (read as an account that uses it, which is
 * how Marketplace, public-snapshot and not-shared images show up as unscannable), storing each.
 */
export async function scanSimulatedEstate(sim: RunningSimulator, store: Store): Promise<EstateScan[]> {
  const targets = [...imagesWithContent(sim), ...(await thirdPartyInUse(store))];
  const out: EstateScan[] = [];
  for (const t of targets) out.push(await scanOne(sim, store, t));
  return out;
}

/** The demo's section: one line per image. */
export function formatEstateScans(scans: readonly EstateScan[]): string {
  const lines = ['', 'Image scans (EBS direct API, no instance launched):'];
  if (scans.length === 0)
    lines.push('  none: no image of this estate has snapshot content, and no third-party image is in use');
  for (const s of scans) {
    const head = `  ${s.imageId} ${s.name.slice(0, 28).padEnd(28)}`;
    if (s.unscannable) lines.push(`${head} unscannable: ${s.unscannable}`);
    else if (s.error) lines.push(`${head} error: ${s.error}`);
    else {
      const c = s.counts!;
      lines.push(
        `${head} ${(s.os ?? '').slice(0, 30).padEnd(30)} ${c.pass} pass, ${c.fail} fail, ${c.manual} manual; ` +
          `${s.blocksFetched}/${s.blocksListed} blocks fetched${s.completeness === 'complete' ? '' : ` (${s.completeness})`}`,
      );
    }
  }
  return lines.join('\n');
}
