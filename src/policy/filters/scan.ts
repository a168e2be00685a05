import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';
import { MissingUpdatesSchema, overdueAdvisories } from '../../vulns/policy-facts.ts';

export default defineFilter({
  type: 'scan',
  origin: 'amiwarden',
  schema: Type.Object(
    {
      type: Type.Literal('scan'),
      status: Type.Optional(
        Type.Union([
          Type.Literal('failing'),
          Type.Literal('clean'),
          Type.Literal('not-scanned'),
          Type.Literal('updates-not-checked'),
          Type.Literal('unscannable'),
        ]),
      ),
      'cis-level': Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
      'min-cis-failures': Type.Optional(Type.Integer({ minimum: 1 })),
      'min-hygiene-findings': Type.Optional(Type.Integer({ minimum: 1 })),
      'min-missing-updates': Type.Optional(Type.Integer({ minimum: 1 })),
      'missing-security-updates': Type.Optional(MissingUpdatesSchema),
    },
    { additionalProperties: false },
  ),
  permissions: [],
  needs: ['scan'],
  docs: {
    summary:
      "Reads the image's latest stored scan. `status: failing` (default) matches when CIS failures (at " +
      '`cis-level`, both levels by default), hygiene findings or missing security updates reach their ' +
      'minimum (1 each unless set); `clean` matches complete scans with none; `not-scanned` matches images never ' +
      'scanned; `updates-not-checked` matches scans whose packages were never matched against advisory data; ' +
      '`unscannable` matches images whose latest scan could not read the image (snapshots not shared, Marketplace, ' +
      'no KMS decrypt right) and annotates the reason. An unscannable image is never clean, never failing (nothing ' +
      'was checked), not `not-scanned` and not `updates-not-checked`: only `unscannable` selects it. ' +
      '`missing-security-updates` (`severity`, `older-than-days`, `min`) matches unapplied security fixes from the ' +
      'stored advisory match. An image without a scan, or without advisory data for this criterion, is never clean ' +
      'and never failing; matches carry `amw:scan`.',
    example: `policies:
  - name: failing-cis-level-1
    resource: aws.ami
    filters:
      - type: scan
        status: failing
        cis-level: 1
`,
  },
  compile(opts) {
    const status = opts.status ?? 'failing';
    const level = opts['cis-level'];
    return (img, ctx) => {
      const scan = img.scan;
      if (!scan) {
        if (status === 'not-scanned') ctx.annotate(img, 'amw:scan', 'no scan');
        return status === 'not-scanned';
      }
      if (status === 'not-scanned') return false;
      // Nothing of the image was read: no verdict to be clean or failing by, only the reason.
      if (scan.unscannable !== undefined) {
        if (status !== 'unscannable') return false;
        ctx.annotate(img, 'amw:scan', { scannedAt: scan.scannedAt, unscannable: scan.unscannable });
        return true;
      }
      if (status === 'unscannable') return false;
      const updates = scan.securityUpdates;
      if (status === 'updates-not-checked') {
        if (updates?.checked) return false;
        ctx.annotate(img, 'amw:scan', {
          scannedAt: scan.scannedAt,
          securityUpdates: 'not checked',
          reason: updates?.reason ?? 'no advisory match stored',
        });
        return true;
      }
      const cis = Object.entries(scan.cisFailures)
        .filter(([l]) => level === undefined || l === String(level))
        .reduce((n, [, c]) => n + c, 0);
      const crit = opts['missing-security-updates'];
      // Unmatched or matched without advisory data: unknown, so neither failing nor clean by this criterion.
      const overdue = crit && updates?.checked ? overdueAdvisories(updates, crit) : undefined;
      // With the criterion, the other minimums count only when set explicitly.
      const counts = (set: number | undefined) => !crit || set !== undefined;
      const failing =
        (counts(opts['min-cis-failures']) && cis >= (opts['min-cis-failures'] ?? 1)) ||
        (counts(opts['min-hygiene-findings']) &&
          scan.hygieneFindings >= (opts['min-hygiene-findings'] ?? 1)) ||
        (counts(opts['min-missing-updates']) &&
          (scan.missingSecurityUpdates ?? 0) >= (opts['min-missing-updates'] ?? 1)) ||
        (overdue !== undefined && overdue.length >= (crit?.min ?? 1));
      // Unknown update status does not block "clean" unless the criterion asks for updates; an incomplete scan does.
      const clean =
        scan.complete &&
        cis === 0 &&
        scan.hygieneFindings === 0 &&
        !scan.missingSecurityUpdates &&
        (!crit || overdue?.length === 0);
      const hit = status === 'failing' ? failing : clean;
      if (hit)
        ctx.annotate(img, 'amw:scan', {
          scannedAt: scan.scannedAt,
          cisFailures: cis,
          hygieneFindings: scan.hygieneFindings,
          missingSecurityUpdates: scan.missingSecurityUpdates,
          ...(overdue ? { overdueSecurityUpdates: overdue } : {}),
        });
      return hit;
    };
  },
});
