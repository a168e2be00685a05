/** Seed dates: absolute UTC, or relative to the seed's fixed "now" so an estate stays reproducible. */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

export function resolveSeedDate(value: string, nowMs: number): number {
  const rel = /^now(?:([+-])([0-9]+)([dhm]))?$/.exec(value);
  if (rel) {
    if (!rel[1]) return nowMs;
    const delta = Number(rel[2]) * UNIT_MS[rel[3] as keyof typeof UNIT_MS];
    return rel[1] === '-' ? nowMs - delta : nowMs + delta;
  }
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new Error(`not a date: ${value}`);
  return ms;
}

/** EC2 renders image dates as `2024-01-15T10:20:30.000Z`. */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** Deprecation times have minute precision. */
export function isoMinute(ms: number): string {
  return new Date(Math.floor(ms / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
}
