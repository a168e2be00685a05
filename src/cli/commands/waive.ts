import { userInfo } from 'node:os';
import { AmwError } from '../../errors.ts';
import { addDays } from '../../workflow/clock.ts';
import { openStore } from '../../store/db.ts';
import { workflowStore } from '../../workflow/store/open.ts';
import { addWaiver, endWaiver, listViolations, requireViolation } from '../../workflow/store/violations.ts';
import type { Violation } from '../../workflow/model.ts';
import { addFlags, commonFlags, defineFlag, parseNow } from '../flags.ts';
import { workflowFlags } from './workflow.ts';
import type { CommandModule } from './index.ts';

const flags = {
  reason: defineFlag({
    name: 'reason',
    description: 'why the violation is accepted (required)',
    kind: 'string',
    placeholder: 'text',
  }),
  who: defineFlag({
    name: 'who',
    description: 'who accepts it (default: the current user)',
    kind: 'string',
    placeholder: 'name',
  }),
  expires: defineFlag({
    name: 'expires',
    description: 'when the waiver ends: an ISO 8601 time or a number of days (30d)',
    kind: 'string',
    placeholder: 'time|Nd',
  }),
  policy: defineFlag({
    name: 'policy',
    description: 'with an image id: the policy whose violation to waive',
    kind: 'string',
    placeholder: 'name',
  }),
  revoke: defineFlag({ name: 'revoke', description: 'end the current waiver now', kind: 'boolean' }),
} as const;

interface Opts {
  db: string;
  reason?: string;
  who?: string;
  expires?: string;
  policy?: string;
  revoke?: boolean;
  now?: string;
}

export function parseExpiry(raw: string | undefined, now: Date): string | null {
  if (raw === undefined) return null;
  const days = /^(\d+(?:\.\d+)?)d$/.exec(raw);
  if (days) return addDays(now, Number(days[1])).toISOString();
  const d = new Date(raw);
  if (Number.isNaN(d.getTime()))
    throw new AmwError('AMW_USAGE', `--expires expects an ISO 8601 time or Nd, got "${raw}"`);
  if (d.getTime() <= now.getTime()) throw new AmwError('AMW_USAGE', `--expires ${raw} is already past`);
  return d.toISOString();
}

async function find(
  db: Awaited<ReturnType<typeof workflowStore>>,
  ref: string,
  policy: string | undefined,
): Promise<Violation> {
  if (ref.startsWith('v-')) return requireViolation(db, ref);
  const hits = await listViolations(db, { resourceId: ref, policy, live: true });
  if (hits.length === 0)
    throw new AmwError(
      'AMW_NOT_FOUND',
      `no open violation for ${ref}${policy ? ` and policy ${policy}` : ''}`,
    );
  if (hits.length > 1)
    throw new AmwError(
      'AMW_USAGE',
      `${ref} violates ${hits.map((h) => h.policy).join(', ')}: name one with --policy or give the violation id`,
    );
  return hits[0]!;
}

export const command: CommandModule = {
  name: 'waive',
  register(program) {
    const cmd = program
      .command('waive')
      .description('accept a violation for a while: escalation and remediation wait until the waiver expires')
      .argument('<violation>', 'a violation id (v-...) or an image id');
    addFlags(cmd, commonFlags.db, ...Object.values(flags), workflowFlags.now);
    cmd.action(async (ref: string, opts: Opts) => {
      const now = parseNow(opts.now) ?? new Date();
      const who = opts.who ?? process.env.USER ?? userInfo().username;
      if (!opts.revoke && (!opts.reason || opts.reason.trim() === ''))
        throw new AmwError('AMW_USAGE', 'waive needs --reason');
      // Every waiver ends: an open-ended one is how exceptions outlive the reason for them.
      if (!opts.revoke && !opts.expires)
        throw new AmwError('AMW_USAGE', 'waive needs --expires (an ISO 8601 time or Nd)');
      const expiresAt = parseExpiry(opts.expires, now);
      const store = await openStore(opts.db);
      try {
        const db = await workflowStore(store);
        const v = await find(db, ref, opts.policy);
        if (opts.revoke) {
          const after = await endWaiver(db, v, now.toISOString(), `waiver revoked by ${who}`, who);
          console.log(`${v.id}: ${after.state}`);
          return;
        }
        const after = await addWaiver(db, v, {
          reason: opts.reason!.trim(),
          who,
          createdAt: now.toISOString(),
          expiresAt,
        });
        console.log(
          `${v.id} (${v.resourceId}, ${v.policy}): waived by ${who} until ${expiresAt ?? 'revoked'} [${after.state}]`,
        );
      } finally {
        await store.close();
      }
    });
  },
};
