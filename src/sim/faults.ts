/** Fault injection: deterministic given randomSeed, independent of how calls interleave. */
export interface FaultOptions {
  /** Fraction of calls answered with the service's throttling error. */
  throttleRate?: number;
  /** Fraction of calls answered with a 5xx. */
  serverErrorRate?: number;
  /** Added to every response. */
  latencyMs?: number;
  randomSeed?: number;
  /** Every call into these regions, accounts or actions (`DescribeImages` or `ec2:DescribeImages`) fails with a 5xx. */
  failRegions?: string[];
  failAccounts?: string[];
  failActions?: string[];
}

export type FaultDecision =
  { kind: 'throttle' } | { kind: 'server-error'; variant: 0 | 1 } | { kind: 'fail'; reason: string };

export class FaultInjector {
  private opts: FaultOptions = {};
  private readonly counters = new Map<string, number>();

  constructor(opts: FaultOptions = {}) {
    this.set(opts);
  }

  set(opts: FaultOptions): void {
    for (const [k, v] of [
      ['throttleRate', opts.throttleRate],
      ['serverErrorRate', opts.serverErrorRate],
    ] as const) {
      if (v !== undefined && !(v >= 0 && v <= 1))
        throw new RangeError(`${k} must be between 0 and 1, got ${v}`);
    }
    this.opts = { ...opts };
    this.counters.clear();
  }

  get latencyMs(): number {
    return this.opts.latencyMs ?? 0;
  }

  decide(service: string, action: string, accountId: string, region: string): FaultDecision | undefined {
    const o = this.opts;
    if (o.failRegions?.includes(region)) return { kind: 'fail', reason: `region ${region} is failing` };
    if (o.failAccounts?.includes(accountId))
      return { kind: 'fail', reason: `account ${accountId} is failing` };
    if (o.failActions?.some((a) => a === action || a === `${service}:${action}`))
      return { kind: 'fail', reason: `action ${action} is failing` };
    const throttle = o.throttleRate ?? 0;
    const error = o.serverErrorRate ?? 0;
    if (throttle === 0 && error === 0) return undefined;
    // One stream per (call kind, account, region): the n-th such call always gets the same draw.
    const key = `${service}:${action}|${accountId}|${region}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    const u = unitHash(`${o.randomSeed ?? 0}|${key}|${n}`);
    if (u < throttle) return { kind: 'throttle' };
    if (u < throttle + error) return { kind: 'server-error', variant: (u * 1e6) % 2 < 1 ? 0 : 1 };
    return undefined;
  }
}

/** FNV-1a then a murmur-style finaliser: a uniform number in [0, 1). */
function unitHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
