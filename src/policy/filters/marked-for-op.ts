import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';
import { tagValue } from '../resource.ts';

export const DEFAULT_MARK_TAG = 'maid_status';

/** Reads `...: op@YYYY/MM/DD` (Custodian's mark format); undefined when the tag is not a mark. */
export function parseMark(value: string | undefined): { op: string; date: Date } | undefined {
  if (!value || !value.includes(':') || !value.includes('@')) return undefined;
  const tail = value.slice(value.lastIndexOf(':') + 1).trim();
  const at = tail.indexOf('@');
  const op = tail.slice(0, at);
  const m = /^(\d{4})\/(\d{2})\/(\d{2})(?: (\d{2})(\d{2}))?/.exec(tail.slice(at + 1));
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m;
  return {
    op,
    date: new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0))),
  };
}

export default defineFilter({
  type: 'marked-for-op',
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Literal('marked-for-op'),
      tag: Type.Optional(Type.String({ minLength: 1 })),
      op: Type.String({ minLength: 1 }),
      skew: Type.Optional(Type.Number({ minimum: 0 })),
      skew_hours: Type.Optional(Type.Number({ minimum: 0 })),
      tz: Type.Optional(Type.Literal('utc')),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DescribeImages'],
  needs: [],
  docs: {
    summary:
      'Images that `mark-for-op` marked for `op` whose date has come (less `skew` days / `skew_hours`).',
    differences: 'Dates are read and written in UTC only (`tz: utc`).',
    example: `policies:
  - name: due-for-deregistration
    resource: aws.ami
    filters:
      - type: marked-for-op
        tag: c7n-cleanup
        op: deregister
`,
  },
  compile(opts) {
    const tag = opts.tag ?? DEFAULT_MARK_TAG;
    const skewMs = ((opts.skew ?? 0) * 24 + (opts.skew_hours ?? 0)) * 3_600_000;
    return (img, ctx) => {
      const mark = parseMark(tagValue(img.resource, tag));
      return mark !== undefined && mark.op === opts.op && ctx.now.getTime() >= mark.date.getTime() - skewMs;
    };
  },
});
