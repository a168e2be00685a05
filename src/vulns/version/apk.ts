/**
 * Alpine's apk version order. A version is `digits{.digits}...{letter}{_suffix{digits}}...{~hash}{-r digits}`:
 * the parts are compared in turn, like with like, and where one version runs out or switches to a
 * later kind of part first, the one still going is newer, except that a pre-release suffix
 * (`_alpha`, `_beta`, `_pre`, `_rc`) makes it older. So `1.0 < 1.0.0`, `1.0_rc1 < 1.0 < 1.0_p1`,
 * `1.2 < 1.2a < 1.2.1`, `1.0 < 1.0-r0`. A dotted part with a leading zero on either side is compared
 * as text (`1.01 < 1.1`, `1.0 < 1.00`); the first part and suffix and release numbers as numbers.
 *
 * These are the rules of apk-tools 2.14 and later (Alpine 3.19 on). Earlier releases order every
 * valid version the same way and differ only on malformed ones (`1.0_`, `1.0-r`, `1.`).
 */

/** Part kinds in grammar order: a version that reaches a later kind first is the older one. */
const INITIAL = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const HASH = 5;
const REVISION = 6;
const END = 7;
/** Parsing stopped here: sorts after END, i.e. a malformed tail is older than none. */
const INVALID = 8;

/** Suffix ranks; the empty slot is where a version without a suffix sits. */
const SUFFIX_ORDER = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'] as const;
const NO_SUFFIX = SUFFIX_ORDER.indexOf('');

interface Part {
  readonly kind: number;
  readonly text: string;
  /** Index in SUFFIX_ORDER for suffix parts. */
  readonly rank: number;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isHex = (c: string | undefined): boolean => isDigit(c) || (c !== undefined && c >= 'a' && c <= 'f');

function span(s: string, from: number, ok: (c: string | undefined) => boolean): number {
  let i = from;
  while (i < s.length && ok(s[i])) i++;
  return i;
}

/** Splits a version into parts; the last is END, or INVALID where the grammar was broken. */
function parts(v: string): Part[] {
  const out: Part[] = [];
  const push = (kind: number, text = '', rank = 0): void => void out.push({ kind, text, rank });
  let i = span(v, 0, isDigit);
  if (i === 0) return [{ kind: INVALID, text: '', rank: 0 }];
  push(INITIAL, v.slice(0, i));
  for (;;) {
    const prev = out[out.length - 1]!.kind;
    if (i >= v.length) {
      push(END);
      return out;
    }
    const c = v[i]!;
    let kind = INVALID;
    let start = i;
    let end = i;
    let rank = 0;
    if (isLower(c) && prev <= DIGIT) {
      kind = LETTER;
      end = i + 1;
    } else if ((c === '.' && prev <= DIGIT) || isDigit(c)) {
      start = c === '.' ? i + 1 : i;
      end = span(v, start, isDigit);
      if (prev === INITIAL || prev === DIGIT) kind = DIGIT;
      else if (prev === SUFFIX) kind = SUFFIX_NO;
      if (end === start) kind = INVALID;
    } else if (c === '_' && prev <= SUFFIX_NO) {
      start = i + 1;
      end = span(v, start, isLower);
      rank = SUFFIX_ORDER.indexOf(v.slice(start, end) as (typeof SUFFIX_ORDER)[number]);
      kind = end > start && rank >= 0 ? SUFFIX : INVALID;
    } else if (c === '~' && prev < HASH) {
      start = i + 1;
      end = span(v, start, isHex);
      kind = end > start ? HASH : INVALID;
    } else if (c === '-' && prev < REVISION && v[i + 1] === 'r') {
      start = i + 2;
      end = span(v, start, isDigit);
      kind = end > start ? REVISION : INVALID;
    }
    if (kind === INVALID) {
      push(INVALID);
      return out;
    }
    push(kind, v.slice(start, end), rank);
    i = end;
  }
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Digit strings as unbounded numbers (apk itself wraps above 2^64; no real version gets there). */
function compareNumbers(a: string, b: string): -1 | 0 | 1 {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return sign(x.length - y.length);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Byte order, a prefix first (versions are ASCII, so code-unit order is byte order). */
function compareText(a: string, b: string): -1 | 0 | 1 {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareParts(a: Part, b: Part): -1 | 0 | 1 {
  switch (a.kind) {
    case DIGIT:
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareText(a.text, b.text);
      return compareNumbers(a.text, b.text);
    case INITIAL:
    case SUFFIX_NO:
    case REVISION:
      return compareNumbers(a.text, b.text);
    case LETTER:
    case HASH:
      return compareText(a.text, b.text);
    case SUFFIX:
      return sign(a.rank - b.rank);
    default:
      return 0;
  }
}

/** apk's order of two versions: -1, 0 or 1. Malformed versions are ordered as apk orders them. */
export function compareApkVersions(a: string, b: string): -1 | 0 | 1 {
  const pa = parts(a);
  const pb = parts(b);
  let k = 0;
  for (; pa[k]!.kind === pb[k]!.kind && pa[k]!.kind < END; k++) {
    const r = compareParts(pa[k]!, pb[k]!);
    if (r !== 0) return r;
  }
  const x = pa[k]!;
  const y = pb[k]!;
  if (x.kind === y.kind) return 0;
  if (x.kind === SUFFIX && x.rank < NO_SUFFIX) return -1;
  if (y.kind === SUFFIX && y.rank < NO_SUFFIX) return 1;
  return x.kind > y.kind ? -1 : 1;
}

/** Whether apk accepts the version (what `apk version -c` checks). */
export function isValidApkVersion(v: string): boolean {
  return parts(v).at(-1)!.kind === END;
}
