import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';
import { OpSchema, compileValue } from './value-ops.ts';

export default defineFilter({
  type: 'image-age',
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Literal('image-age'),
      days: Type.Number({ minimum: 0 }),
      op: Type.Optional(OpSchema),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DescribeImages'],
  needs: [],
  docs: {
    summary: 'Images created more than `days` ago (`op` defaults to greater-than).',
    example: `policies:
  - name: old-images
    resource: aws.ami
    filters:
      - type: image-age
        days: 90
`,
  },
  compile(opts) {
    const match = compileValue({
      key: 'CreationDate',
      value: opts.days,
      op: opts.op ?? 'gt',
      value_type: 'age',
    });
    return (img, ctx) => match(img.resource, ctx.now);
  },
});
