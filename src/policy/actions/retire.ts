import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';
import { deleteFreeSnapshots, protectionBlocker } from './snapshots.ts';
import { tagValue } from '../resource.ts';

export const RETIRE_TAG = 'amiwarden:retire';
const DAY_MS = 86_400_000;

export default defineAction({
  type: 'retire',
  origin: 'amiwarden',
  schema: Type.Object(
    {
      type: Type.Literal('retire'),
      'disable-after-days': Type.Optional(Type.Integer({ minimum: 0 })),
      'deregister-after-days': Type.Optional(Type.Integer({ minimum: 0 })),
      'delete-snapshots': Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  permissions: [
    'ec2:EnableImageDeprecation',
    'ec2:DisableImage',
    'ec2:CreateTags',
    'ec2:DeregisterImage',
    'ec2:DeleteSnapshot',
  ],
  guard: 'in-use',
  docs: {
    summary:
      'Walks an image through deprecate -> disable -> deregister, one step per run: deprecated now, disabled ' +
      '`disable-after-days` (default 14) after the deprecation time, deregistered `deregister-after-days` ' +
      '(default 14) after it was disabled. Usage is re-checked before every step, and deregistration waits ' +
      'out protection and its cooldown. The disable date is kept in the `amiwarden:retire` tag.',
    example: `policies:
  - name: retire-old
    resource: aws.ami
    filters:
      - type: image-age
        days: 400
    actions:
      - type: retire
        disable-after-days: 7
        deregister-after-days: 30
        delete-snapshots: true
`,
  },
  compile(opts) {
    const disableAfter = (opts['disable-after-days'] ?? 14) * DAY_MS;
    const deregisterAfter = (opts['deregister-after-days'] ?? 14) * DAY_MS;
    return async (img, ctx) => {
      const r = img.resource;
      const now = ctx.now.getTime();
      if (r.State === 'available') {
        const dep = r.DeprecationTime ? Date.parse(r.DeprecationTime) : Number.NaN;
        if (Number.isNaN(dep) || dep > now) {
          const at = new Date(now);
          at.setUTCSeconds(0, 0);
          await ctx.effects.enableDeprecation(r.ImageId, at);
          r.DeprecationTime = at.toISOString();
          return done('retire step 1/3: deprecated');
        }
        if (now - dep < disableAfter)
          return skipped(
            `retire: deprecated since ${r.DeprecationTime}, disable due ${new Date(dep + disableAfter).toISOString()}`,
          );
        const stamp = `disabled@${ctx.now.toISOString()}`;
        await ctx.effects.disableImage(r.ImageId);
        await ctx.effects.createTags(r.ImageId, [{ Key: RETIRE_TAG, Value: stamp }]);
        r.State = 'disabled';
        r.Public = false;
        img.launchPermissions = [];
        r.Tags = [...(r.Tags ?? []).filter((t) => t.Key !== RETIRE_TAG), { Key: RETIRE_TAG, Value: stamp }];
        return done('retire step 2/3: disabled');
      }
      if (r.State === 'disabled') {
        const mark = tagValue(r, RETIRE_TAG);
        const since = mark?.startsWith('disabled@') ? Date.parse(mark.slice(9)) : Number.NaN;
        if (Number.isNaN(since)) {
          // Disabled by someone else: start the clock now rather than guess.
          const stamp = `disabled@${ctx.now.toISOString()}`;
          await ctx.effects.createTags(r.ImageId, [{ Key: RETIRE_TAG, Value: stamp }]);
          r.Tags = [...(r.Tags ?? []), { Key: RETIRE_TAG, Value: stamp }];
          return skipped('retire: disabled without a retire date; clock started');
        }
        if (now - since < deregisterAfter)
          return skipped(
            `retire: disabled since ${mark?.slice(9)}, deregistration due ${new Date(since + deregisterAfter).toISOString()}`,
          );
        const blocked = protectionBlocker(img, ctx.now);
        if (blocked) return skipped(`retire: ${blocked}`);
        await ctx.effects.deregisterImage(r.ImageId);
        r.State = 'deregistered';
        if (opts['delete-snapshots']) await deleteFreeSnapshots(img, ctx);
        return done('retire step 3/3: deregistered');
      }
      return skipped(`retire: image is ${r.State}`);
    };
  },
});
