import { Type } from '@sinclair/typebox';
import { defineAction } from './define.ts';

export default defineAction({
  type: 'notify',
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Literal('notify'),
      to: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
      cc: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
      subject: Type.Optional(Type.String()),
      template: Type.Optional(Type.String()),
      violation_desc: Type.Optional(Type.String()),
      action_desc: Type.Optional(Type.String()),
      owner_absent_contact: Type.Optional(Type.Array(Type.String())),
      priority_header: Type.Optional(Type.String()),
      transport: Type.Optional(
        Type.Object(
          {
            type: Type.Union([Type.Literal('sqs'), Type.Literal('sns')]),
            queue: Type.Optional(Type.String()),
            topic: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  permissions: [],
  guard: 'none',
  notifies: true,
  docs: {
    summary:
      'Records a notification request (recipients, subject, descriptions) in the store for the workflow ' +
      'engine to route and deliver.',
    differences:
      'Nothing is sent to SQS/SNS: `transport` is kept in the request as data, and delivery belongs to the workflow engine.',
    example: `policies:
  - name: tell-owners-about-public-images
    resource: aws.ami
    filters:
      - Public: true
    actions:
      - type: notify
        to: [resource-owner]
        subject: Public image
        violation_desc: The image is public.
`,
  },
  compile(opts) {
    const { type: _type, ...payload } = opts;
    return async (_img, ctx) => {
      await ctx.notify({ ...payload, annotations: ctx.annotations });
      return {
        outcome: 'notified',
        reason: `notification recorded for ${(opts.to ?? ['owner']).join(', ')}`,
      };
    };
  },
});
