import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';
import { deleteFreeSnapshots, protectionBlocker } from './snapshots.ts';

export default defineAction({
  type: 'deregister',
  origin: 'custodian',
  schema: Type.Object(
    { type: Type.Literal('deregister'), 'delete-snapshots': Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DeregisterImage', 'ec2:DeleteSnapshot'],
  guard: 'in-use',
  docs: {
    summary:
      'Deregisters the image; with `delete-snapshots: true` also deletes each of its snapshots that no other ' +
      'image in any state (available, deprecated, disabled) references.',
    differences:
      'Skips, with the reference named, any image in use anywhere in the collected organisation or shared ' +
      'outside it, unless the policy sets `allow-in-use: true`; honours deregistration protection.',
    example: `policies:
  - name: deregister-deprecated
    resource: aws.ami
    filters:
      - "tag:lifecycle": deprecated
    actions:
      - type: deregister
        delete-snapshots: true
`,
  },
  compile(opts) {
    return async (img, ctx) => {
      if (img.resource.State === 'deregistered') return skipped('already deregistered');
      const blocked = protectionBlocker(img, ctx.now);
      if (blocked) return skipped(blocked);
      await ctx.effects.deregisterImage(img.resource.ImageId);
      img.resource.State = 'deregistered';
      if (opts['delete-snapshots']) await deleteFreeSnapshots(img, ctx);
      return done('deregistered');
    };
  },
});
