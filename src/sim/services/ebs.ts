import { createHash } from 'node:crypto';
import { ApiError, withReason } from '../protocol/errors.ts';
import type { SnapshotRec } from '../state/types.ts';
import { BLOCK_SIZE, readBlock, writtenBlocks } from './ebs-blocks.ts';
import { mayUse, unusableState } from './kms-access.ts';
import type { Ctx, RestReply, RestRequest, RestRoute, ServiceDef } from './types.ts';

const SNAP_RE = /^snap-[0-9a-f]+$/;
const json = (body: unknown): RestReply => ({
  status: 200,
  contentType: 'application/json',
  body: JSON.stringify(body),
});
const err = (code: string, status: number, reason: string, message: string) =>
  withReason(new ApiError(code, message, status), reason);

/** The snapshot a block call names: completed, readable by the caller, not public-only, not Marketplace. */
function snapshotFor(ctx: Ctx, id: string): SnapshotRec {
  if (!SNAP_RE.test(id))
    throw err('ValidationException', 400, 'INVALID_SNAPSHOT_ID', `The snapshot ID ${id} is not valid.`);
  const s = ctx.state.snapshots.get(id);
  const mine = s && s.region === ctx.caller.region;
  if (!s || !mine)
    throw err('ResourceNotFoundException', 404, 'SNAPSHOT_NOT_FOUND', `The snapshot ${id} does not exist.`);
  const explicit =
    s.ownerId === ctx.caller.accountId ||
    s.createVolumePermissions.some((p) => p.userId === ctx.caller.accountId);
  if (!explicit)
    throw err(
      'AccessDeniedException',
      403,
      'UNAUTHORIZED_ACCOUNT',
      `You are not authorized to access snapshot ${id}.`,
    );
  const marketplace = [...ctx.state.imagesUsingSnapshot(id)].some((i) =>
    ctx.state.images.get(i)?.productCodes.some((p) => p.type === 'marketplace'),
  );
  if (marketplace)
    throw err(
      'AccessDeniedException',
      403,
      'UNAUTHORIZED_ACCOUNT',
      `Snapshots of AWS Marketplace images cannot be read (${id}).`,
    );
  if (s.state !== 'completed')
    throw err('ValidationException', 400, 'INVALID_SNAPSHOT_ID', `The snapshot ${id} is not completed.`);
  if (s.encrypted && s.kmsKeyId) checkKey(ctx, s.kmsKeyId, id);
  return s;
}

/**
 * Reading an encrypted snapshot needs the right to decrypt with its KMS key; EBS reports KMS's
 * refusal as its own AccessDeniedException with the DEPENDENCY_ACCESS_DENIED reason.
 */
function checkKey(ctx: Ctx, arn: string, id: string): void {
  const key = ctx.state.kmsKeys.get(arn);
  if (!key)
    throw err(
      'ResourceNotFoundException',
      404,
      'DEPENDENCY_RESOURCE_NOT_FOUND',
      `The KMS key ${arn} of snapshot ${id} does not exist.`,
    );
  if (!mayUse(key, ctx.caller.accountId, 'Decrypt'))
    throw err(
      'AccessDeniedException',
      403,
      'DEPENDENCY_ACCESS_DENIED',
      `You are not authorized to use the KMS key ${arn} to decrypt snapshot ${id}.`,
    );
  const unusable = unusableState(key);
  if (unusable)
    throw err(
      'AccessDeniedException',
      403,
      'DEPENDENCY_ACCESS_DENIED',
      `The KMS key ${arn} of snapshot ${id} cannot be used: ${unusable.message}`,
    );
}

/** Block tokens bind a snapshot and an index; they need no server state. */
const blockToken = (snapId: string, index: number) =>
  Buffer.from(`amw1:${snapId}:${index}`).toString('base64');
const expiry = () => Date.now() / 1000 + 7 * 86_400;

function pageParams(req: RestRequest): { max: number; start: number } {
  const rawMax = req.query.get('maxResults');
  const max = rawMax === null ? 10_000 : Number(rawMax);
  if (!Number.isInteger(max) || max < 1 || max > 10_000)
    throw err(
      'ValidationException',
      400,
      'INVALID_PARAMETER_VALUE',
      'maxResults must be between 100 and 10000.',
    );
  const token = req.query.get('pageToken');
  let start = Number(req.query.get('startingBlockIndex') ?? 0);
  if (token !== null) {
    const m = /^amw1p:([0-9]+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
    if (!m) throw err('ValidationException', 400, 'INVALID_PAGE_TOKEN', 'The pagination token is not valid.');
    start = Number(m[1]);
  }
  // Fewer than 100 still returns 100 when there are that many, as EBS does.
  return { max: Math.max(max, 100), start };
}

function page<T extends { BlockIndex: number }>(rows: T[], max: number, start: number) {
  const from = rows.findIndex((r) => r.BlockIndex >= start);
  const slice = from < 0 ? [] : rows.slice(from, from + max);
  const next = from >= 0 && from + max < rows.length ? rows[from + max]!.BlockIndex : undefined;
  return { slice, next: next === undefined ? undefined : Buffer.from(`amw1p:${next}`).toString('base64') };
}

const listSnapshotBlocks: RestRoute = {
  action: 'ListSnapshotBlocks',
  handle(ctx, req, [id]) {
    const s = snapshotFor(ctx, id!);
    const { max, start } = pageParams(req);
    const rows = writtenBlocks(s).map((i) => ({ BlockIndex: i, BlockToken: blockToken(s.id, i) }));
    const { slice, next } = page(rows, max, start);
    return json({
      Blocks: slice,
      ExpiryTime: expiry(),
      VolumeSize: s.volumeSize,
      BlockSize: BLOCK_SIZE,
      NextToken: next,
    });
  },
};

const listChangedBlocks: RestRoute = {
  action: 'ListChangedBlocks',
  handle(ctx, req, [secondId]) {
    const second = snapshotFor(ctx, secondId!);
    const firstId = req.query.get('firstSnapshotId');
    const first = firstId ? snapshotFor(ctx, firstId) : undefined;
    if (first && first.volumeId !== second.volumeId)
      throw err(
        'ValidationException',
        400,
        'UNRELATED_SNAPSHOTS',
        'The two snapshots are not from the same volume lineage.',
      );
    const { max, start } = pageParams(req);
    const a = new Set(first ? writtenBlocks(first) : []);
    const b = new Set(writtenBlocks(second));
    const rows = [...new Set([...a, ...b])]
      .sort((x, y) => x - y)
      .filter((i) => !first || !a.has(i) || !b.has(i) || !readBlock(first, i).equals(readBlock(second, i)))
      .map((i) => ({
        BlockIndex: i,
        FirstBlockToken: first && a.has(i) ? blockToken(first.id, i) : undefined,
        SecondBlockToken: b.has(i) ? blockToken(second.id, i) : undefined,
      }));
    const { slice, next } = page(rows, max, start);
    return json({
      ChangedBlocks: slice,
      ExpiryTime: expiry(),
      VolumeSize: second.volumeSize,
      BlockSize: BLOCK_SIZE,
      NextToken: next,
    });
  },
};

const getSnapshotBlock: RestRoute = {
  action: 'GetSnapshotBlock',
  handle(ctx, req, [id, indexText]) {
    const s = snapshotFor(ctx, id!);
    const index = Number(indexText);
    const token = req.query.get('blockToken');
    if (!Number.isInteger(index) || index < 0 || index * BLOCK_SIZE >= s.volumeSize * 1024 ** 3)
      throw err('ValidationException', 400, 'INVALID_BLOCK', `Block index ${indexText} is out of range.`);
    if (token !== blockToken(s.id, index))
      throw err('ValidationException', 400, 'INVALID_BLOCK_TOKEN', 'The block token is not valid.');
    const data = readBlock(s, index);
    return {
      status: 200,
      contentType: 'application/octet-stream',
      headers: {
        'x-amz-Data-Length': String(data.length),
        'x-amz-Checksum': createHash('sha256').update(data).digest('base64'),
        'x-amz-Checksum-Algorithm': 'SHA256',
      },
      body: data,
    };
  },
};

export const ebs: ServiceDef = {
  name: 'ebs',
  protocol: 'rest',
  route(req) {
    if (req.method !== 'GET') return undefined;
    const parts = req.path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    if (parts[0] !== 'snapshots' || parts.length < 3) return undefined;
    if (parts.length === 3 && parts[2] === 'blocks')
      return { route: listSnapshotBlocks, params: [parts[1]!] };
    if (parts.length === 3 && parts[2] === 'changedblocks')
      return { route: listChangedBlocks, params: [parts[1]!] };
    if (parts.length === 4 && parts[2] === 'blocks')
      return { route: getSnapshotBlock, params: [parts[1]!, parts[3]!] };
    return undefined;
  },
};
