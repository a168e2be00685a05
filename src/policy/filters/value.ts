import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';
import { OpSchema, ValueSchema, ValueTypeSchema, compileValue } from './value-ops.ts';

export default defineFilter({
  type: 'value',
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Literal('value'),
      key: Type.String({ minLength: 1 }),
      value: Type.Optional(ValueSchema),
      op: Type.Optional(OpSchema),
      value_type: Type.Optional(ValueTypeSchema),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DescribeImages'],
  needs: [],
  docs: {
    summary:
      'Compares one field of the DescribeImages record (a JMESPath key, or `tag:K`) with a value. ' +
      'The shorthand `"tag:env": prod` is a value filter too.',
    example: `policies:
  - name: public-images
    resource: aws.ami
    filters:
      - type: value
        key: Public
        value: true
`,
  },
  compile(opts) {
    const match = compileValue(opts);
    return (img, ctx) => match(img.resource, ctx.now);
  },
});
