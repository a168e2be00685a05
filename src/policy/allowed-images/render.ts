import { csvText, textTable } from '../../text-table.ts';
import { describeFailures as whyBlocked } from './evaluate.ts';
import type { PublicReport } from './public-images.ts';
import type { BlockedImage, Simulation } from './simulate.ts';

export type Format = 'table' | 'json' | 'csv';

function owner(b: BlockedImage): string {
  if (b.ownerId === null) return 'unknown';
  return b.ownerAlias ? `${b.ownerId} (${b.ownerAlias})` : b.ownerId;
}

/** Why an image is listed: the failing criteria, or AWS's word when only AWS rejects it. */
function why(b: BlockedImage): string {
  if (b.evaluator === 'allowed')
    return `AWS reports ImageAllowed=false; the evaluator allows it (${b.allowedBy ?? 'unknown'})`;
  return whyBlocked(b.failures);
}

const awsCell = (b: BlockedImage): string => (b.aws ? String(b.aws.imageAllowed) : '');

/** The warning line under an image on which the evaluator and AWS disagree. */
function disagreement(b: BlockedImage): string | null {
  if (!b.disagrees || !b.aws) return null;
  // A date criterion is the usual cause: AWS judged at collection, the evaluator judges at --now.
  const ages =
    b.evaluator === 'blocked' ? ' (ages: AWS counted them at collection, the evaluator at --now)' : '';
  return `    ! disagrees with AWS: ImageAllowed=${b.aws.imageAllowed} reported here by the run of ${b.aws.reportedAt}; in audit mode AWS is the authority${ages}`;
}

const SIM_COLS = [
  'account_id',
  'region',
  'state',
  'image_id',
  'image_name',
  'owner',
  'uncertain',
  'aws_image_allowed',
  'why',
  'kind',
  'ref_id',
  'ref_state',
] as const;

function simRows(sim: Simulation): string[][] {
  const rows: string[][] = [];
  for (const s of sim.scopes)
    for (const b of s.blocked)
      for (const u of b.uses)
        rows.push([
          s.accountId,
          s.region,
          s.state ?? '',
          b.imageId,
          b.name ?? '',
          owner(b),
          b.uncertain ? 'yes' : 'no',
          awsCell(b),
          why(b),
          u.kind,
          u.refId,
          u.state,
        ]);
  return rows;
}

function scopeLine(s: Simulation['scopes'][number]): string {
  const criteria =
    s.criteriaCount === null
      ? 'collected criteria unreadable: not evaluated'
      : `${s.criteriaCount} ${s.criteriaSource} criteria`;
  const now = s.state === 'enabled' && s.criteriaSource === 'collected' ? ' (already enforced)' : '';
  const outcome =
    s.blocked.length === 0
      ? 'nothing would be blocked'
      : `${s.blocked.length} image(s) would be blocked${now}`;
  return `${s.accountId} ${s.region}: state ${s.state ?? 'unknown'}, ${criteria}, ${s.imagesInUse} image(s) in use, ${outcome}`;
}

export function renderSimulation(sim: Simulation, format: Format): string {
  if (format === 'json') return JSON.stringify(sim, null, 2);
  if (format === 'csv') return csvText(SIM_COLS, simRows(sim));
  const out: string[] = [];
  for (const s of sim.scopes) {
    out.push(scopeLine(s));
    // One block per image: the reason can be long and is the point, so it gets its own line.
    for (const b of s.blocked) {
      out.push(
        `  ${b.imageId}  ${b.name ?? '(name unknown)'}  owner ${owner(b)}${b.uncertain ? '  (uncertain)' : ''}`,
      );
      out.push(`    why: ${why(b)}`);
      const warn = disagreement(b);
      if (warn) out.push(warn);
      for (const u of b.uses) out.push(`    breaks ${u.kind} ${u.refId} (${u.state})`);
    }
  }
  const m = sim.summary;
  const kinds = Object.entries(m.uses)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  out.push(
    `summary: ${m.scopes} account-region(s), ${m.scopesBreaking} would break, ${m.imagesBlocked} image(s) blocked` +
      ` (${m.imagesUncertain} uncertain)${kinds ? `; breaks ${kinds}` : ''}` +
      (m.scopesUnreadable > 0 ? `; ${m.scopesUnreadable} scope(s) with unreadable criteria` : '') +
      (m.disagreements > 0 ? `; ${m.disagreements} disagreement(s) with AWS's ImageAllowed` : ''),
  );
  return out.join('\n');
}

const VERDICT_TEXT: Record<string, string> = {
  'predates-bpa': 'public images predate block public access and stay public',
  'bpa-off-public': 'block public access is off and images are public',
  'bpa-off': 'block public access is off: images can be made public',
  ok: 'block public access on, nothing public',
  unknown: 'block public access state not collected',
};

const PUB_COLS = [
  'account_id',
  'region',
  'block_public_access',
  'managed_by',
  'verdict',
  'image_id',
  'image_name',
  'created',
] as const;

export function renderPublic(r: PublicReport, format: Format): string {
  if (format === 'json') return JSON.stringify(r, null, 2);
  if (format === 'csv') {
    const rows = r.scopes.flatMap((s) => {
      const head = [s.accountId, s.region, s.blockPublicAccess ?? '', s.managedBy ?? '', s.verdict];
      return s.images.length === 0
        ? [[...head, '', '', '']]
        : s.images.map((i) => [...head, i.imageId, i.name ?? '', i.creationDate ?? '']);
    });
    return csvText(PUB_COLS, rows);
  }
  const out: string[] = [];
  for (const s of r.scopes) {
    out.push(
      `${s.accountId} ${s.region}: ${s.blockPublicAccess ?? 'unknown'} - ${VERDICT_TEXT[s.verdict] ?? s.verdict}`,
    );
    if (s.images.length > 0)
      out.push(
        ...textTable(
          ['image_id', 'name', 'created', 'state'],
          s.images.map((i) => [i.imageId, i.name ?? '', i.creationDate ?? '', i.state]),
          { maxWidth: 60 },
        ).map((l) => `  ${l}`),
      );
  }
  const m = r.summary;
  out.push(
    `summary: ${m.scopes} account-region(s), ${m.publicImages} public image(s), ${m.predatingBpa} predating block public access, ${m.scopesBpaOff} account-region(s) with it off`,
  );
  return out.join('\n');
}
