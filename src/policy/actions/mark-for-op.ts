import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';
import { tagValue } from '../resource.ts';
import { DEFAULT_MARK_TAG, parseMark } from '../filters/marked-for-op.ts';

const pad = (n: number) => String(n).padStart(2, '0');

export default defineAction({
  type: 'mark-for-op',
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Literal('mark-for-op'),
      tag: Type.Optional(Type.String({ minLength: 1 })),
      op: Type.String({ minLength: 1 }),
      days: Type.Optional(Type.Number({ minimum: 0 })),
      hours: Type.Optional(Type.Number({ minimum: 0 })),
      msg: Type.Optional(Type.String()),
      tz: Type.Optional(Type.Literal('utc')),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:CreateTags'],
  guard: 'none',
  docs: {
    summary:
      'Tags the image with "`msg`" naming `op` and the date `days` (default 4) / `hours` from now, for a later ' +
      'policy with `marked-for-op` to act on.',
    differences:
      'An image already marked for the same op keeps its first date (Custodian moves it on every run), so ' +
      're-running never postpones the action.',
    example: `policies:
  - name: mark-unused
    resource: aws.ami
    filters:
      - type: unused
    actions:
      - type: mark-for-op
        tag: c7n-cleanup
        op: deregister
        days: 14
`,
  },
  compile(opts) {
    const tag = opts.tag ?? DEFAULT_MARK_TAG;
    const template = opts.msg ?? 'Resource does not meet policy: {op}@{action_date}';
    return async (img, ctx) => {
      const existing = parseMark(tagValue(img.resource, tag));
      if (existing?.op === opts.op) return skipped(`already marked for ${opts.op}`);
      const at = new Date(ctx.now.getTime() + ((opts.days ?? 4) * 24 + (opts.hours ?? 0)) * 3_600_000);
      let date = `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}`;
      if (opts.hours) date += ` ${pad(at.getUTCHours())}${pad(at.getUTCMinutes())} UTC`;
      const value = template.replaceAll('{op}', opts.op).replaceAll('{action_date}', date);
      await ctx.effects.createTags(img.resource.ImageId, [{ Key: tag, Value: value }]);
      img.resource.Tags = [
        ...(img.resource.Tags ?? []).filter((t) => t.Key !== tag),
        { Key: tag, Value: value },
      ];
      return done(`marked ${tag}=${value}`);
    };
  },
});
