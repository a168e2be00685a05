import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';

export default defineAction({
  type: 'disable',
  origin: 'amiwarden',
  schema: Type.Object({ type: Type.Literal('disable') }, { additionalProperties: false }),
  permissions: ['ec2:DisableImage'],
  guard: 'in-use',
  docs: {
    summary:
      'Disables the image: reversible (EnableImage), removes its launch permissions and blocks new launches; ' +
      'running instances keep running.',
    example: `policies:
  - name: disable-deprecated
    resource: aws.ami
    filters:
      - "tag:lifecycle": deprecated
    actions:
      - type: disable
`,
  },
  compile() {
    return async (img, ctx) => {
      if (img.resource.State === 'disabled') return skipped('already disabled');
      await ctx.effects.disableImage(img.resource.ImageId);
      img.resource.State = 'disabled';
      img.resource.Public = false;
      img.launchPermissions = [];
      return done('disabled');
    };
  },
});
