import type { ControlResult } from '../checks/engine.ts';
import { vulnSarif } from '../../vulns/sarif.ts';
import { defineReport, findingsOf } from './report.ts';

const LEVEL: Record<string, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** A SARIF 2.1.0 log of one amiwarden run: the tool driver with `rules`, then the run's own fields. */
export function sarifLog(rules: readonly unknown[], run: Record<string, unknown>): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'amiwarden', informationUri: 'https://github.com/amiwarden/amiwarden', rules },
        },
        ...run,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** SARIF 2.1.0: one reportingDescriptor per rule, one result per finding; errors become notifications. */
export const report = defineReport({
  id: 'sarif',
  description: 'SARIF 2.1.0 for code-scanning dashboards',
  render(r) {
    const rules = new Map<string, { id: string; name: string; severity: string; controls: string[] }>();
    const results: unknown[] = [];
    const notifications: unknown[] = [];
    const addRule = (c: ControlResult): void => {
      for (const rr of c.rules) {
        const entry = rules.get(rr.ruleId) ?? {
          id: rr.ruleId,
          name: rr.title,
          severity: rr.severity,
          controls: [],
        };
        entry.controls.push(`${c.catalogId}:${c.control.id}`);
        rules.set(rr.ruleId, entry);
      }
    };
    for (const c of r.controls) {
      addRule(c);
      for (const f of findingsOf(c))
        results.push({
          ruleId: f.ruleId,
          level: LEVEL[f.severity] ?? 'warning',
          message: { text: `${c.catalogId} ${c.control.id}: ${f.message}` },
          ...(f.path
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: f.path.replace(/^\/+/, ''), uriBaseId: 'IMAGEROOT' },
                      ...(f.line ? { region: { startLine: f.line } } : {}),
                    },
                  },
                ],
              }
            : {}),
          properties: { control: c.control.id, catalog: c.catalogId, section: c.control.section },
        });
      if (c.verdict.status === 'error')
        notifications.push({
          level: 'error',
          message: { text: `${c.catalogId} ${c.control.id}: ${c.verdict.cause}` },
        });
    }
    for (const g of r.gaps)
      notifications.push({ level: 'warning', message: { text: `${g.part}: ${g.reason}` } });
    // Advisories are rules of their own; "not checked" is a notification, never an empty result set.
    const vulns = r.vulns?.status === 'checked' ? vulnSarif(r.vulns.report) : { rules: [], results: [] };
    results.push(...vulns.results);
    if (r.vulns?.status === 'not-checked')
      notifications.push({
        level: 'warning',
        message: { text: `missing security updates not checked: ${r.vulns.reason}` },
      });
    for (const w of r.vulns?.status === 'checked' ? r.vulns.report.warnings : [])
      notifications.push({ level: 'warning', message: { text: `advisories: ${w}` } });
    return sarifLog(
      [
        ...[...rules.values()].map((x) => ({
          id: x.id,
          name: x.id,
          shortDescription: { text: x.name },
          defaultConfiguration: { level: LEVEL[x.severity] ?? 'warning' },
          properties: { severity: x.severity, controls: x.controls },
        })),
        ...vulns.rules,
      ],
      {
        originalUriBaseIds: { IMAGEROOT: { uri: 'file:///' } },
        invocations: [
          {
            executionSuccessful: r.completeness !== 'failed',
            toolExecutionNotifications: notifications,
            properties: { completeness: r.completeness, source: r.source, os: r.os },
          },
        ],
        results,
      },
    );
  },
});
