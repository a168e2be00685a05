import { readFile } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { LineCounter, parseDocument } from 'yaml';
import { AmwError, messageOf } from '../errors.ts';

/**
 * The `workflow:` section of amiwarden.yml. Other sections (groups, variables) belong to
 * the policy engine; this module reads only its own key. Secrets are never values here:
 * a config names an environment variable (`*_env`) or a file (`*_file`) that holds them.
 */
const Secret = Type.Object(
  { env: Type.Optional(Type.String()), file: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
export type SecretRef = Static<typeof Secret>;

const Recipients = Type.Object(
  {
    email: Type.Optional(Type.Array(Type.String({ minLength: 3 }))),
    /** Names of Slack webhooks under channels.slack.webhooks. */
    slack: Type.Optional(Type.Array(Type.String())),
    /** Names of endpoints under channels.webhook.endpoints. */
    webhook: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
export type Recipients = Static<typeof Recipients>;

const Step = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    /** Days after the violation opened. */
    day: Type.Number({ minimum: 0 }),
    do: Type.Union([Type.Literal('notify'), Type.Literal('escalate'), Type.Literal('remediate')]),
    /** Who gets it; omitted means the owner, found through the routing table. */
    to: Type.Optional(Recipients),
    /** escalate only: also open (or comment on) the violation's Jira ticket. */
    ticket: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type StepSpec = Static<typeof Step>;

const Workflow = Type.Object(
  {
    name: Type.String(),
    /** Which violations follow this workflow; the first workflow that matches wins. */
    policies: Type.Optional(Type.Array(Type.String())),
    groups: Type.Optional(Type.Array(Type.String())),
    steps: Type.Array(Step, { minItems: 1 }),
    /** Tell the owner when the violation resolves (the ticket closes either way). */
    notify_on_resolve: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type WorkflowSpec = Static<typeof Workflow>;

const Channels = Type.Object(
  {
    email: Type.Optional(
      Type.Object(
        {
          host: Type.String(),
          port: Type.Integer({ minimum: 1, maximum: 65535 }),
          secure: Type.Optional(Type.Boolean()),
          from: Type.String(),
          user: Type.Optional(Type.String()),
          password: Type.Optional(Secret),
        },
        { additionalProperties: false },
      ),
    ),
    slack: Type.Optional(
      Type.Object({ webhooks: Type.Record(Type.String(), Secret) }, { additionalProperties: false }),
    ),
    jira: Type.Optional(
      Type.Object(
        {
          url: Type.String(),
          project: Type.String(),
          issue_type: Type.Optional(Type.String()),
          user: Type.String(),
          token: Secret,
          /** Name of the transition that closes a ticket. */
          done_transition: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    webhook: Type.Optional(
      Type.Object(
        {
          endpoints: Type.Record(
            Type.String(),
            Type.Object({ url: Secret, secret: Secret }, { additionalProperties: false }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ChannelsSpec = Static<typeof Channels>;

export const WorkflowConfigSchema = Type.Object(
  {
    dashboard_url: Type.Optional(Type.String()),
    /** Tags that name an image's owner, in order of preference. */
    owner_tags: Type.Optional(Type.Array(Type.String())),
    /** Routing table: owner/team tag value -> recipients. */
    routes: Type.Optional(Type.Record(Type.String(), Recipients)),
    /** Who hears about violations whose owner has no route; absent means they are unroutable. */
    fallback: Type.Optional(Recipients),
    channels: Type.Optional(Channels),
    retry: Type.Optional(
      Type.Object(
        {
          attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
          base_ms: Type.Optional(Type.Integer({ minimum: 0 })),
          max_ms: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    workflows: Type.Array(Workflow, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type WorkflowConfig = Static<typeof WorkflowConfigSchema>;

export const DEFAULT_OWNER_TAGS = ['owner', 'team'];
export const DEFAULT_DASHBOARD_URL = 'http://127.0.0.1:8080';

/** Checks a parsed `workflow:` value; the error names the path and, with a file, its line. */
export function parseWorkflowConfig(
  raw: unknown,
  file = 'amiwarden.yml',
  lineOf?: (p: string[]) => number | undefined,
): WorkflowConfig {
  const first = Value.Errors(WorkflowConfigSchema, raw).First();
  if (first) {
    const path = first.path.split('/').slice(1);
    throw new AmwError('AMW_CONFIG_INVALID', `workflow.${path.join('.')}: ${first.message}`, {
      location: { file, line: lineOf?.(['workflow', ...path]) },
    });
  }
  const cfg = raw as WorkflowConfig;
  checkReferences(cfg, file);
  return cfg;
}

// Names used in routes and steps must exist under channels, or a message would go nowhere silently.
function checkReferences(cfg: WorkflowConfig, file: string): void {
  const slack = new Set(Object.keys(cfg.channels?.slack?.webhooks ?? {}));
  const hooks = new Set(Object.keys(cfg.channels?.webhook?.endpoints ?? {}));
  const check = (where: string, r: Recipients | undefined) => {
    for (const s of r?.slack ?? [])
      if (!slack.has(s))
        throw bad(`${where}: Slack webhook "${s}" is not defined under channels.slack.webhooks`);
    for (const w of r?.webhook ?? [])
      if (!hooks.has(w))
        throw bad(`${where}: webhook "${w}" is not defined under channels.webhook.endpoints`);
    if ((r?.email?.length ?? 0) > 0 && !cfg.channels?.email)
      throw bad(`${where}: e-mail recipients need channels.email`);
  };
  const bad = (m: string) => new AmwError('AMW_CONFIG_INVALID', m, { location: { file } });
  for (const [k, r] of Object.entries(cfg.routes ?? {})) check(`workflow.routes.${k}`, r);
  check('workflow.fallback', cfg.fallback);
  for (const wf of cfg.workflows) {
    const ids = new Set<string>();
    for (const step of wf.steps) {
      if (ids.has(step.id)) throw bad(`workflow.workflows.${wf.name}: step id "${step.id}" is used twice`);
      ids.add(step.id);
      check(`workflow.workflows.${wf.name}.${step.id}`, step.to);
      if (step.ticket && !cfg.channels?.jira)
        throw bad(`workflow.workflows.${wf.name}.${step.id}: ticket needs channels.jira`);
    }
  }
}

/** Reads the `workflow:` key of amiwarden.yml. */
export async function loadWorkflowConfig(file: string): Promise<WorkflowConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AmwError('AMW_CONFIG_INVALID', `cannot read ${file}: ${messageOf(err)}`, {
      cause: err,
      location: { file },
    });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lc.linePos(e.pos[0]);
    throw new AmwError('AMW_CONFIG_INVALID', `not valid YAML: ${e.message.split('\n')[0]}`, {
      location: { file, line: pos.line, column: pos.col },
    });
  }
  const root = doc.toJS() as Record<string, unknown> | null;
  if (!root || typeof root !== 'object' || root.workflow === undefined)
    throw new AmwError('AMW_CONFIG_INVALID', 'no `workflow:` section', { location: { file } });
  const lineOf = (p: string[]) => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return parseWorkflowConfig(root.workflow, file, lineOf);
}

/** The workflow a violation follows: first whose policies/groups lists match (absent list = any). */
export function workflowFor(cfg: WorkflowConfig, policy: string, group: string): WorkflowSpec | undefined {
  return cfg.workflows.find(
    (wf) => (!wf.policies || wf.policies.includes(policy)) && (!wf.groups || wf.groups.includes(group)),
  );
}
