import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';

export default defineFilter({
  type: 'encrypted',
  origin: 'amiwarden',
  schema: Type.Object(
    { type: Type.Literal('encrypted'), value: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DescribeImages'],
  needs: [],
  docs: {
    summary:
      '`value: true` (default) matches images whose every EBS mapping is encrypted; `value: false` ' +
      'matches images with at least one EBS mapping not marked encrypted.',
    example: `policies:
  - name: unencrypted-images
    resource: aws.ami
    filters:
      - type: encrypted
        value: false
`,
  },
  compile(opts) {
    const want = opts.value ?? true;
    return (img) => {
      const ebs = (img.resource.BlockDeviceMappings ?? []).filter((m) => m.Ebs);
      const all = ebs.length > 0 && ebs.every((m) => m.Ebs?.Encrypted === true);
      return all === want;
    };
  },
});
