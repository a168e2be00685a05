/**
 * A check's verdict is a closed union. A check that throws is an `error`, never a pass; a
 * check that needs the running system says `manual` with the reason.
 */
export interface Finding {
  /** What is wrong, in one sentence a reader can act on. */
  readonly message: string;
  /** The in-image path the finding is about, when there is one. */
  readonly path?: string;
  /** Line number inside `path` (1-based), when known. */
  readonly line?: number;
  /** What was found, for reports (e.g. the configured value). */
  readonly actual?: string;
  /** What the benchmark expects. */
  readonly expected?: string;
}

export type Verdict =
  | { readonly status: 'pass'; readonly evidence?: readonly string[] }
  | { readonly status: 'fail'; readonly findings: readonly Finding[] }
  | { readonly status: 'manual'; readonly reason: string }
  | { readonly status: 'not-applicable'; readonly reason: string }
  | { readonly status: 'error'; readonly cause: string };

export type VerdictStatus = Verdict['status'];

export const pass = (evidence?: readonly string[]): Verdict =>
  evidence ? { status: 'pass', evidence } : { status: 'pass' };
export const fail = (findings: readonly Finding[]): Verdict => ({ status: 'fail', findings });
export const manual = (reason: string): Verdict => ({ status: 'manual', reason });
export const notApplicable = (reason: string): Verdict => ({ status: 'not-applicable', reason });
export const errored = (cause: string): Verdict => ({ status: 'error', cause });

/** Scan-level completeness: which parts could not be read, and why. */
export interface CoverageGap {
  readonly part: string;
  readonly reason: string;
}

export type ScanCompleteness = 'complete' | 'partial' | 'failed';
