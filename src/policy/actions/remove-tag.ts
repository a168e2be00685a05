import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';
import { tagValue } from '../resource.ts';

export default defineAction({
  type: 'remove-tag',
  aliases: ['unmark', 'untag'],
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Union([Type.Literal('remove-tag'), Type.Literal('unmark'), Type.Literal('untag')]),
      tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DeleteTags'],
  guard: 'none',
  docs: {
    summary: 'Removes the tags named in `tags` (default `maid_status`, the mark-for-op tag).',
    example: `policies:
  - name: clear-review-tag
    resource: aws.ami
    filters:
      - "tag:review": present
    actions:
      - type: remove-tag
        tags: [review]
`,
  },
  compile(opts) {
    const keys = opts.tags ?? ['maid_status'];
    return async (img, ctx) => {
      const present = keys.filter((k) => tagValue(img.resource, k) !== undefined);
      if (present.length === 0) return skipped('no such tags');
      await ctx.effects.deleteTags(img.resource.ImageId, present);
      img.resource.Tags = (img.resource.Tags ?? []).filter((t) => !present.includes(t.Key));
      return done(`removed ${present.join(', ')}`);
    };
  },
});
