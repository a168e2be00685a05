import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';
import { USAGE_PERMISSIONS, describeRef, isLiveRef } from './usage.ts';

const Kind = Type.Union(
  ['instance', 'launch-template-version', 'launch-configuration', 'auto-scaling-group', 'ssm-parameter'].map(
    (k) => Type.Literal(k),
  ),
);

export default defineFilter({
  type: 'in-use',
  origin: 'amiwarden',
  schema: Type.Object(
    {
      type: Type.Literal('in-use'),
      value: Type.Optional(Type.Boolean()),
      kinds: Type.Optional(Type.Array(Kind, { minItems: 1 })),
      'instance-states': Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    },
    { additionalProperties: false },
  ),
  // `kinds: [ssm-parameter]` selects the references the collector resolved from SSM parameters.
  permissions: [...USAGE_PERMISSIONS, 'ssm:GetParameters'],
  needs: ['usage'],
  docs: {
    summary:
      'Images used by the kinds of reference listed (instance by state, launch template version, launch ' +
      'configuration, Auto Scaling group, SSM parameter) anywhere in the organisation; matches carry ' +
      '`amw:usage`, the references found. `value: false` inverts.',
    example: `policies:
  - name: images-behind-running-instances
    resource: aws.ami
    filters:
      - type: in-use
        kinds: [instance]
        instance-states: [running]
`,
  },
  compile(opts) {
    const want = opts.value ?? true;
    const kinds = opts.kinds ? new Set<string>(opts.kinds) : undefined;
    const states = opts['instance-states'] ? new Set(opts['instance-states']) : undefined;
    return (img, ctx) => {
      const refs = img.usage.filter(
        (r) =>
          (kinds === undefined || kinds.has(r.kind)) &&
          (r.kind === 'instance' && states ? states.has(r.state) : isLiveRef(r)),
      );
      const used = refs.length > 0;
      if (used && want) ctx.annotate(img, 'amw:usage', refs.map(describeRef));
      return used === want;
    };
  },
});
