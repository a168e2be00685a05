import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';

export default defineFilter({
  type: 'scan',
  origin: 'amiwarden',
  schema: Type.Object(
    {
      type: Type.Literal('scan'),
      status: Type.Optional(
        Type.Union([Type.Literal('failing'), Type.Literal('clean'), Type.Literal('not-scanned')]),
      ),
      'cis-level': Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
      'min-cis-failures': Type.Optional(Type.Integer({ minimum: 1 })),
      'min-hygiene-findings': Type.Optional(Type.Integer({ minimum: 1 })),
      'min-missing-updates': Type.Optional(Type.Integer({ minimum: 1 })),
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
      'scanned. An image without a scan is never clean and never failing; matches carry `amw:scan`.',
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
      const cis = Object.entries(scan.cisFailures)
        .filter(([l]) => level === undefined || l === String(level))
        .reduce((n, [, c]) => n + c, 0);
      const failing =
        cis >= (opts['min-cis-failures'] ?? 1) ||
        scan.hygieneFindings >= (opts['min-hygiene-findings'] ?? 1) ||
        (scan.missingSecurityUpdates ?? 0) >= (opts['min-missing-updates'] ?? 1);
      // Unknown update status does not block "clean"; an incomplete scan does.
      const clean = scan.complete && cis === 0 && scan.hygieneFindings === 0 && !scan.missingSecurityUpdates;
      const hit = status === 'failing' ? failing : clean;
      if (hit)
        ctx.annotate(img, 'amw:scan', {
          scannedAt: scan.scannedAt,
          cisFailures: cis,
          hygieneFindings: scan.hygieneFindings,
          missingSecurityUpdates: scan.missingSecurityUpdates,
        });
      return hit;
    };
  },
});
