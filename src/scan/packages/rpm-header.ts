/**
 * The rpm header blob as rpmdb stores it (no lead, no 8-byte magic): big-endian index count and
 * data length, 16-byte index entries (tag, type, offset, count), then the data store.
 */
export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  PACKAGER: 1015,
  ARCH: 1022,
  SOURCERPM: 1044,
} as const;

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_I18NSTRING = 9;

export type HeaderValue = string | number;

export function parseRpmHeader(blob: Buffer): Map<number, HeaderValue> {
  if (blob.length < 8) throw new Error('rpm header blob too short');
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > 100_000 || dataStart + dl > blob.length) throw new Error('rpm header blob is corrupt (sizes)');
  const out = new Map<number, HeaderValue>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = blob.readUInt32BE(at);
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readUInt32BE(at + 8);
    if (offset >= dl) continue;
    const pos = dataStart + offset;
    if (type === TYPE_STRING || type === TYPE_I18NSTRING) {
      const end = blob.indexOf(0, pos);
      if (end < 0 || end > dataStart + dl) continue;
      out.set(tag, blob.toString('utf8', pos, end));
    } else if (type === TYPE_INT32 && pos + 4 <= dataStart + dl) {
      out.set(tag, blob.readInt32BE(pos));
    }
  }
  return out;
}

/** Builds a header blob with string and int32 tags: for fixtures, which need real rpmdb files. */
export function buildRpmHeader(tags: ReadonlyArray<[number, HeaderValue]>): Buffer {
  const sorted = [...tags].sort((a, b) => a[0] - b[0]);
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let len = 0;
  for (const [tag, value] of sorted) {
    const entry = Buffer.alloc(16);
    let chunk: Buffer;
    if (typeof value === 'number') {
      const pad = (4 - (len % 4)) % 4;
      if (pad) {
        data.push(Buffer.alloc(pad));
        len += pad;
      }
      chunk = Buffer.alloc(4);
      chunk.writeInt32BE(value);
      entry.writeUInt32BE(TYPE_INT32, 4);
    } else {
      chunk = Buffer.from(`${value}\0`, 'utf8');
      entry.writeUInt32BE(TYPE_STRING, 4);
    }
    entry.writeUInt32BE(tag, 0);
    entry.writeUInt32BE(len, 8);
    entry.writeUInt32BE(1, 12);
    index.push(entry);
    data.push(chunk);
    len += chunk.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(index.length, 0);
  head.writeUInt32BE(len, 4);
  return Buffer.concat([head, ...index, ...data]);
}
