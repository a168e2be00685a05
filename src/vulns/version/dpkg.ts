/**
 * Debian version comparison, the way dpkg orders versions (deb-version(7)): epoch numerically,
 * then upstream version, then Debian revision, each with dpkg's mixed lexical/numeric walk.
 */

export interface DpkgVersion {
  readonly epoch: number;
  readonly upstream: string;
  /** Empty when the version has no hyphen; dpkg orders "" equal to "0". */
  readonly revision: string;
}

/** Splits `[epoch:]upstream[-revision]`; the revision starts after the last hyphen. */
export function parseDpkgVersion(raw: string): DpkgVersion {
  const s = raw.trim();
  let epoch = 0;
  let rest = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const digits = s.slice(0, colon);
    // dpkg rejects non-numeric epochs; treating them as 0 keeps a bad feed row from aborting a scan.
    epoch = /^\d+$/.test(digits) ? Number(digits) : 0;
    rest = s.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen < 0) return { epoch, upstream: rest, revision: '' };
  return { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAlpha(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Weight of one character in a non-digit run: `~` below the end of the string, letters below other symbols. */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1; // '~'
  return c + 256;
}

/** dpkg's verrevcmp: alternating non-digit runs (by `order`) and digit runs (numerically). */
export function compareDpkgPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 48) i++;
    while (b.charCodeAt(j) === 48) j++;
    while (i < a.length && j < b.length && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b` for dpkg. */
export function compareDpkgVersions(a: string, b: string): number {
  if (a === b) return 0;
  const va = parseDpkgVersion(a);
  const vb = parseDpkgVersion(b);
  if (va.epoch !== vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  const up = compareDpkgPart(va.upstream, vb.upstream);
  if (up !== 0) return Math.sign(up);
  return Math.sign(compareDpkgPart(va.revision, vb.revision));
}
