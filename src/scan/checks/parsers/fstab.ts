import type { CheckContext } from '../template.ts';
import { readText } from './files.ts';
import { unitState } from './systemd-units.ts';

export interface MountEntry {
  readonly source: string;
  readonly mountPoint: string;
  readonly type: string;
  readonly options: readonly string[];
  /** "/etc/fstab" or the .mount unit file the entry came from. */
  readonly path: string;
  readonly line: number;
}

export const FSTAB_READS = [
  '/etc/fstab',
  '/etc/systemd/system/*.mount',
  '/usr/lib/systemd/system/*.mount',
  '/lib/systemd/system/*.mount',
];

// fstab escapes spaces and other blanks as octal (\040).
const unescape = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseFstab(text: string, path = '/etc/fstab'): MountEntry[] {
  const out: MountEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const f = t.split(/\s+/);
    if (f.length < 3) return;
    out.push({
      source: f[0]!,
      mountPoint: unescape(f[1]!),
      type: f[2]!,
      options: (f[3] ?? 'defaults').split(','),
      path,
      line: i + 1,
    });
  });
  return out;
}

/** The Options= (and What=/Type=) of a .mount unit, e.g. tmp.mount. */
function parseMountUnit(text: string, mountPoint: string, path: string): MountEntry | undefined {
  let options: string[] = ['defaults'];
  let line = 1;
  let type = '';
  let source = '';
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*(Options|Type|What)\s*=\s*(.*)$/.exec(raw);
    if (!m) return;
    if (m[1] === 'Options') {
      options = m[2]!.split(',').map((o) => o.trim());
      line = i + 1;
    } else if (m[1] === 'Type') type = m[2]!.trim();
    else source = m[2]!.trim();
  });
  return { source, mountPoint, type, options, path, line };
}

const unitFor = (mountPoint: string): string =>
  `${mountPoint.replace(/^\//, '').replace(/\//g, '-') || '-'}.mount`;

/** Where a mount point is configured: its fstab line, or an enabled .mount unit (tmp.mount); undefined if neither. */
export async function findMount(ctx: CheckContext, mountPoint: string): Promise<MountEntry | undefined> {
  const fstab = await ctx.memo('fstab', async () =>
    parseFstab((await readText(ctx.vfs, '/etc/fstab')) ?? ''),
  );
  const hit = [...fstab].reverse().find((e) => e.mountPoint.replace(/\/+$/, '') === mountPoint);
  if (hit) return hit;
  const unit = unitFor(mountPoint);
  const st = await unitState(ctx, unit);
  if (!st.enabled) return undefined;
  for (const d of ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system']) {
    const text = await readText(ctx.vfs, `${d}/${unit}`);
    if (text !== undefined) return parseMountUnit(text, mountPoint, `${d}/${unit}`);
  }
  return undefined;
}
