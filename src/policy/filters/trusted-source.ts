import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';

export default defineFilter({
  type: 'trusted-source',
  origin: 'amiwarden',
  schema: Type.Object(
    {
      type: Type.Literal('trusted-source'),
      owners: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{12}$' }))),
      aliases: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
      value: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DescribeImages'],
  needs: [],
  docs: {
    summary:
      'Images owned by an allow-listed account (`owners`) or owner alias (`aliases`, e.g. amazon), or copied ' +
      'from an image that is; `value: false` (the usual use) matches images from anywhere else.',
    example: `policies:
  - name: untrusted-images
    resource: aws.ami
    filters:
      - type: trusted-source
        owners: ["111122223333"]
        aliases: [amazon]
        value: false
`,
  },
  compile(opts) {
    const owners = new Set(opts.owners ?? []);
    const aliases = new Set(opts.aliases ?? []);
    const want = opts.value ?? true;
    return (img, ctx) => {
      const r = img.resource;
      let trusted =
        owners.has(r.OwnerId) || (r.ImageOwnerAlias !== undefined && aliases.has(r.ImageOwnerAlias));
      if (!trusted && typeof r.SourceImageId === 'string') {
        const source = ctx.inventory.image(r.SourceImageId);
        if (source) trusted = owners.has(source.resource.OwnerId);
      }
      return trusted === want;
    };
  },
});
