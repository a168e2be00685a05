import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';
import { USAGE_PERMISSIONS, liveUsage } from './usage.ts';

export default defineFilter({
  type: 'unused',
  origin: 'custodian',
  schema: Type.Object(
    { type: Type.Literal('unused'), value: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  permissions: USAGE_PERMISSIONS,
  needs: ['usage'],
  docs: {
    summary:
      '`value: true` (default) matches images nothing in the collected organisation uses; ' +
      '`value: false` matches images something uses.',
    differences:
      'Instances in state terminated (or shutting-down) do not count as usage. Every launch template ' +
      'version and launch configuration counts, whether or not an Auto Scaling group uses it ' +
      '(Custodian only counts those attached to a group), and so do references from other accounts.',
    example: `policies:
  - name: unused-images
    resource: aws.ami
    filters:
      - type: unused
        value: true
`,
  },
  compile(opts) {
    const wantUnused = opts.value ?? true;
    return (img) => (liveUsage(img).length === 0) === wantUnused;
  },
});
