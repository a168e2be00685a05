import { report as cyclonedx } from './cyclonedx.ts';
import { report as html } from './html.ts';
import { report as json } from './json.ts';
import { report as junit } from './junit.ts';
import type { ScanReport } from './report.ts';
import { report as sarif } from './sarif.ts';
import { report as table } from './table.ts';

/** Report formats by id, sorted; `--format` choices come from here. */
export const REPORTS: Readonly<Record<string, ScanReport>> = { cyclonedx, html, json, junit, sarif, table };
export const REPORT_IDS = Object.keys(REPORTS);
