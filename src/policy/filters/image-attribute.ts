import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';
import { OpSchema, ValueSchema, ValueTypeSchema, compileValue } from './value-ops.ts';
import type { PolicyImage } from '../resource.ts';

const ATTRIBUTES = [
  'description',
  'kernel',
  'ramdisk',
  'launchPermission',
  'productCodes',
  'sriovNetSupport',
  'bootMode',
  'tpmSupport',
  'imdsSupport',
  'lastLaunchedTime',
  'deregistrationProtection',
] as const;
type Attribute = (typeof ATTRIBUTES)[number];

const SCALAR_FIELD: Partial<Record<Attribute, string>> = {
  description: 'Description',
  kernel: 'KernelId',
  ramdisk: 'RamdiskId',
  sriovNetSupport: 'SriovNetSupport',
  bootMode: 'BootMode',
  tpmSupport: 'TpmSupport',
  imdsSupport: 'ImdsSupport',
  lastLaunchedTime: 'LastLaunchedTime',
  deregistrationProtection: 'DeregistrationProtection',
};

/** The attribute as DescribeImageAttribute returns it: scalars as `{Value}`, lists as lists. */
function attributeOf(img: PolicyImage, attr: Attribute): unknown {
  if (attr === 'launchPermission') return img.launchPermissions ?? null;
  if (attr === 'productCodes') return img.resource.ProductCodes ?? [];
  const field = SCALAR_FIELD[attr];
  const v = field ? img.resource[field] : undefined;
  return v === undefined ? {} : { Value: v };
}

export default defineFilter({
  type: 'image-attribute',
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Literal('image-attribute'),
      attribute: Type.Union(ATTRIBUTES.map((a) => Type.Literal(a))),
      key: Type.String({ minLength: 1 }),
      value: Type.Optional(ValueSchema),
      op: Type.Optional(OpSchema),
      value_type: Type.Optional(ValueTypeSchema),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DescribeImageAttribute'],
  needs: ['launch-permissions', 'last-launched'],
  docs: {
    summary:
      'A value filter over one image attribute as DescribeImageAttribute returns it (`{Value: ...}` for ' +
      'scalars, a list for launchPermission and productCodes), read from the store instead of one API call per image.',
    example: `policies:
  - name: not-launched-for-60-days
    resource: aws.ami
    filters:
      - type: image-attribute
        attribute: lastLaunchedTime
        key: Value
        op: gt
        value_type: age
        value: 60
`,
  },
  compile(opts) {
    const match = compileValue(opts);
    return (img, ctx) => match(attributeOf(img, opts.attribute), ctx.now);
  },
});
