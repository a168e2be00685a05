import { xmlEscape } from './junit.ts';
import { sarifLog } from './sarif.ts';

/** What is known of an image that could not be read: no OS, no packages, no verdicts. */
export interface UnscannableScan {
  readonly source: string;
  /** The AMI the scan is about, when known (ami: sources, --image). */
  readonly imageId: string | undefined;
  readonly reason: string;
  readonly startedAt: string;
  /** The scan id when the unscannable row was stored. */
  readonly scanId?: string;
}

/** `<ami or source>: unscannable: <reason>`, the one line every format leads with. */
export const unscannableLine = (u: UnscannableScan): string =>
  `${u.imageId ?? u.source}: unscannable: ${u.reason}`;

/**
 * Each report format says "unscannable" in its own terms instead of an empty report that a reader
 * (or a CI gate) would take for a clean image: no controls, no packages, no results lists.
 */
export const UNSCANNABLE_REPORTS: Readonly<Record<string, (u: UnscannableScan) => string>> = {
  table: (u) => `${unscannableLine(u)}\n`,
  json: (u) =>
    JSON.stringify(
      {
        schema: 'amiwarden.scan/v1',
        source: u.source,
        ...(u.imageId ? { imageId: u.imageId } : {}),
        ...(u.scanId ? { scanId: u.scanId } : {}),
        startedAt: u.startedAt,
        completeness: 'unscannable',
        reason: u.reason,
        gaps: [{ part: 'source', reason: u.reason }],
      },
      null,
      2,
    ) + '\n',
  // The run did not execute: SARIF consumers read executionSuccessful=false as "no verdict", not as clean.
  sarif: (u) =>
    sarifLog([], {
      invocations: [
        {
          executionSuccessful: false,
          toolExecutionNotifications: [{ level: 'error', message: { text: unscannableLine(u) } }],
        },
      ],
      results: [],
      properties: { completeness: 'unscannable', reason: u.reason, source: u.source },
    }),
  junit: (u) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="amiwarden" tests="1" failures="0" errors="1">\n` +
    `  <testsuite name="scan" tests="1" failures="0" errors="1" skipped="0">\n` +
    `    <testcase classname="scan" name="completeness"><error message="unscannable" type="unscannable">${xmlEscape(unscannableLine(u))}</error></testcase>\n` +
    `  </testsuite>\n</testsuites>\n`,
  html: (u) =>
    `<!doctype html>\n<html><head><meta charset="utf-8"><title>amiwarden scan: ${xmlEscape(u.imageId ?? u.source)} unscannable</title>` +
    `<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}.unscannable{color:#b00020;font-weight:600}</style></head>` +
    `<body><h1>${xmlEscape(u.imageId ?? u.source)}</h1><p class="unscannable">unscannable: ${xmlEscape(u.reason)}</p>` +
    `<p>Nothing of the image was read, so nothing was checked: this is not a clean result.</p>` +
    `<table><tr><td>source</td><td>${xmlEscape(u.source)}</td></tr><tr><td>started</td><td>${xmlEscape(u.startedAt)}</td></tr></table></body></html>\n`,
  // An SBOM with no components would read as "nothing installed"; the metadata says why it is empty.
  cyclonedx: (u) =>
    JSON.stringify(
      {
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        version: 1,
        metadata: {
          timestamp: u.startedAt,
          tools: { components: [{ type: 'application', name: 'amiwarden' }] },
          component: { type: 'operating-system', name: u.imageId ?? u.source },
          properties: [
            { name: 'amiwarden:scan:completeness', value: 'unscannable' },
            { name: 'amiwarden:scan:unscannable-reason', value: u.reason },
          ],
        },
        components: [],
      },
      null,
      2,
    ) + '\n',
};
