import { spawn } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AmwError, messageOf } from '../../errors.ts';

/** The bytes of one advisory source, already decompressed, and where they came from. */
export interface FetchedSource {
  readonly location: string;
  /** One text per file: a directory of OSV files yields many. */
  readonly texts: readonly string[];
}

const GZIP = [0x1f, 0x8b];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

function startsWith(buf: Buffer, magic: readonly number[]): boolean {
  return magic.every((b, i) => buf[i] === b);
}

/** Debian's -security and -updates indexes ship only as .xz; Node has no xz, the xz tool does. */
function unxz(buf: Buffer, location: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('xz', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) =>
      reject(new AmwError('AMW_ADVISORY_SOURCE', `${location}: cannot run xz to decompress: ${e.message}`)),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out))
        : reject(
            new AmwError(
              'AMW_ADVISORY_SOURCE',
              `${location}: xz failed: ${Buffer.concat(err).toString().trim()}`,
            ),
          ),
    );
    child.stdin.end(buf);
  });
}

export async function decompress(buf: Buffer, location: string): Promise<string> {
  if (startsWith(buf, GZIP)) return gunzipSync(buf).toString('utf8');
  if (startsWith(buf, XZ)) return (await unxz(buf, location)).toString('utf8');
  return buf.toString('utf8');
}

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** Reads a URL, a file or (for OSV) a directory of .json files; gzip and xz are undone by their magic. */
export async function fetchSource(location: string): Promise<FetchedSource> {
  try {
    if (isUrl(location)) {
      const res = await fetch(location);
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      const buf = Buffer.from(await res.arrayBuffer());
      return { location, texts: [await decompress(buf, location)] };
    }
    const info = await stat(location);
    if (info.isDirectory()) {
      const names = (await readdir(location)).filter((n) => n.endsWith('.json')).sort();
      const texts = await Promise.all(
        names.map(async (n) => decompress(await readFile(join(location, n)), n)),
      );
      return { location, texts };
    }
    return { location, texts: [await decompress(await readFile(location), location)] };
  } catch (err) {
    if (err instanceof AmwError) throw err;
    throw new AmwError('AMW_ADVISORY_SOURCE', `${location}: ${messageOf(err)}`, { cause: err });
  }
}
