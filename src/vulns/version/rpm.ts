/**
 * RPM version comparison: rpmvercmp over alphanumeric segments (separators ignored, `~` sorting
 * before everything including the end, `^` after the end but before anything else), and
 * epoch:version-release ordering on top of it.
 */

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAlpha(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isAlnum(code: number): boolean {
  return isDigit(code) || isAlpha(code);
}

const TILDE = 126;
const CARET = 94;

/** rpmvercmp: -1, 0 or 1. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (
      i < a.length &&
      !isAlnum(a.charCodeAt(i)) &&
      a.charCodeAt(i) !== TILDE &&
      a.charCodeAt(i) !== CARET
    )
      i++;
    while (
      j < b.length &&
      !isAlnum(b.charCodeAt(j)) &&
      b.charCodeAt(j) !== TILDE &&
      b.charCodeAt(j) !== CARET
    )
      j++;
    const ca = i < a.length ? a.charCodeAt(i) : 0;
    const cb = j < b.length ? b.charCodeAt(j) : 0;
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      if (ca === 0) return -1;
      if (cb === 0) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === 0 || cb === 0) break;
    const numeric = isDigit(ca);
    const inSeg = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && inSeg(a.charCodeAt(ei))) ei++;
    while (ej < b.length && inSeg(b.charCodeAt(ej))) ej++;
    // A numeric segment is newer than an alphabetic one.
    if (ej === j) return numeric ? 1 : -1;
    let segA = a.slice(i, ei);
    let segB = b.slice(j, ej);
    if (numeric) {
      segA = segA.replace(/^0+/, '');
      segB = segB.replace(/^0+/, '');
      if (segA.length !== segB.length) return segA.length > segB.length ? 1 : -1;
    }
    if (segA !== segB) return segA < segB ? -1 : 1;
    i = ei;
    j = ej;
  }
  const endA = i >= a.length;
  const endB = j >= b.length;
  if (endA && endB) return 0;
  return endA ? -1 : 1;
}

export interface RpmEvr {
  readonly epoch: number;
  readonly version: string;
  /** Absent when the string had no release. */
  readonly release?: string;
}

/** Parses `[epoch:]version[-release]`; the release starts after the last hyphen. */
export function parseRpmEvr(raw: string, epoch?: number): RpmEvr {
  let rest = raw.trim();
  let e = epoch ?? 0;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const digits = rest.slice(0, colon);
    if (/^\d+$/.test(digits)) e = Number(digits);
    rest = rest.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen < 0) return { epoch: e, version: rest };
  return { epoch: e, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

/** Epoch, then version, then release when both sides carry one (as rpm compares a dependency range). */
export function compareRpmEvr(a: RpmEvr, b: RpmEvr): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0) return v;
  if (a.release === undefined || b.release === undefined) return 0;
  return rpmvercmp(a.release, b.release);
}

/** Compares two `[epoch:]version-release` strings. */
export function compareRpmVersions(a: string, b: string): number {
  return compareRpmEvr(parseRpmEvr(a), parseRpmEvr(b));
}
