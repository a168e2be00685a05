import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';
import type { Tag } from '../resource.ts';
import { tagValue } from '../resource.ts';

export default defineAction({
  type: 'tag',
  aliases: ['mark'],
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Union([Type.Literal('tag'), Type.Literal('mark')]),
      key: Type.Optional(Type.String({ minLength: 1 })),
      tag: Type.Optional(Type.String({ minLength: 1 })),
      value: Type.Optional(Type.String()),
      tags: Type.Optional(Type.Record(Type.String(), Type.String())),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:CreateTags'],
  guard: 'none',
  docs: {
    summary: 'Sets tags: `key`/`value` (or `tag`/`value`), or a `tags` map. Tags already set are left alone.',
    example: `policies:
  - name: tag-old-images
    resource: aws.ami
    filters:
      - type: image-age
        days: 365
    actions:
      - type: tag
        key: review
        value: old
`,
  },
  compile(opts) {
    const wanted: Tag[] = Object.entries(opts.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const key = opts.key ?? opts.tag;
    if (key) wanted.push({ Key: key, Value: opts.value ?? '' });
    if (wanted.length === 0) throw new Error('tag needs `key` (or `tag`) or `tags`');
    return async (img, ctx) => {
      const missing = wanted.filter((t) => tagValue(img.resource, t.Key) !== t.Value);
      if (missing.length === 0) return skipped('already tagged');
      await ctx.effects.createTags(img.resource.ImageId, missing);
      const rest = (img.resource.Tags ?? []).filter((t) => !missing.some((m) => m.Key === t.Key));
      img.resource.Tags = [...rest, ...missing];
      return done(`tagged ${missing.map((t) => `${t.Key}=${t.Value}`).join(', ')}`);
    };
  },
});
