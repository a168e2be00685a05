/**
 * In-image path globs for read declarations: `*` matches within one path segment (not "/"),
 * `**` as a whole segment matches zero or more segments, `?` one character. Paths and globs are
 * absolute and normalised ("/etc/ssh/sshd_config.d/*.conf").
 */
const segmentCache = new Map<string, RegExp>();

function segmentRegExp(seg: string): RegExp {
  let re = segmentCache.get(seg);
  if (!re) {
    const body = seg
      .split('')
      .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`);
    segmentCache.set(seg, re);
  }
  return re;
}

const split = (p: string): string[] => p.split('/').filter((s) => s !== '');

function matchSegments(g: readonly string[], gi: number, p: readonly string[], pi: number): boolean {
  while (gi < g.length) {
    const seg = g[gi]!;
    if (seg === '**') {
      if (gi === g.length - 1) return true;
      for (let k = pi; k <= p.length; k++) if (matchSegments(g, gi + 1, p, k)) return true;
      return false;
    }
    if (pi >= p.length || !segmentRegExp(seg).test(p[pi]!)) return false;
    gi++;
    pi++;
  }
  return pi === p.length;
}

/** True when `path` matches `glob` exactly. */
export function globMatch(glob: string, path: string): boolean {
  return matchSegments(split(glob), 0, split(path), 0);
}

/** True when some descendant of `dir` (or `dir` itself) could match `glob`: lets walkers list only what a glob needs. */
export function globMayMatchBelow(glob: string, dir: string): boolean {
  const g = split(glob);
  const p = split(dir);
  for (let i = 0; i < p.length; i++) {
    const seg = g[i];
    if (seg === undefined) return false;
    if (seg === '**') return true;
    if (!segmentRegExp(seg).test(p[i]!)) return false;
  }
  return true;
}

/** The longest leading part of a glob without wildcards: where a walk for it starts. */
export function globBase(glob: string): string {
  const out: string[] = [];
  for (const seg of split(glob)) {
    if (/[*?]/.test(seg)) break;
    out.push(seg);
  }
  return '/' + out.join('/');
}

export const hasWildcard = (glob: string): boolean => /[*?]/.test(glob);
