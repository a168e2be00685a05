import { AmwError, messageOf } from '../errors.ts';
import type { Clock } from './clock.ts';
import type { WorkflowConfig } from './config.ts';
import { sendEmail } from './channels/email.ts';
import { DeliveryError } from './channels/http.ts';
import { JiraClient } from './channels/jira.ts';
import { sendSlack } from './channels/slack.ts';
import { sendWebhook } from './channels/webhook.ts';
import type { Notice } from './notice.ts';
import type { Target } from './routing.ts';
import { readSecret, redact } from './secrets.ts';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export function retryPolicy(cfg: WorkflowConfig): RetryPolicy {
  return {
    attempts: cfg.retry?.attempts ?? 5,
    baseMs: cfg.retry?.base_ms ?? 1000,
    maxMs: cfg.retry?.max_ms ?? 60_000,
  };
}

/** Exponential backoff without jitter: delays are reproducible, and ticks are spread by cron anyway. */
export function backoffMs(p: RetryPolicy, attempt: number): number {
  return Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, attempt - 1));
}

export type AttemptResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

/** Runs `send` until it succeeds, fails permanently, or the attempts run out; sleeping through the clock between tries. */
export async function withRetry(
  p: RetryPolicy,
  clock: Clock,
  send: () => Promise<void>,
): Promise<AttemptResult> {
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      await send();
      return { ok: true, attempts };
    } catch (err) {
      const retryable = err instanceof DeliveryError ? err.retryable : !(err instanceof AmwError);
      if (!retryable || attempts >= p.attempts) return { ok: false, attempts, error: messageOf(err) };
      await clock.sleep(backoffMs(p, attempts));
    }
  }
}

/**
 * Sends notices to targets through the configured channels. Secrets are read per send and
 * scrubbed from any error text before it can reach the store or a log.
 */
export class Dispatcher {
  private jiraClient: JiraClient | undefined;
  private readonly secrets: string[] = [];

  constructor(
    private readonly cfg: WorkflowConfig,
    private readonly clock: Clock,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private secret(ref: Parameters<typeof readSecret>[0], what: string): string {
    const v = readSecret(ref, what, this.env);
    if (!this.secrets.includes(v)) this.secrets.push(v);
    return v;
  }

  scrub(text: string): string {
    return redact(text, this.secrets);
  }

  async send(target: Target, notice: Notice): Promise<void> {
    const ch = this.cfg.channels ?? {};
    try {
      switch (target.channel) {
        case 'email': {
          if (!ch.email) throw new AmwError('AMW_CONFIG_INVALID', 'channels.email is not configured');
          const pw = ch.email.password ? this.secret(ch.email.password, 'email password') : undefined;
          return await sendEmail(ch.email, pw, target.to, notice);
        }
        case 'slack': {
          const ref = ch.slack?.webhooks[target.to];
          if (!ref) throw new AmwError('AMW_CONFIG_INVALID', `slack webhook ${target.to} is not configured`);
          return await sendSlack(target.to, this.secret(ref, `slack webhook ${target.to}`), notice);
        }
        case 'webhook': {
          const ep = ch.webhook?.endpoints[target.to];
          if (!ep) throw new AmwError('AMW_CONFIG_INVALID', `webhook ${target.to} is not configured`);
          const url = this.secret(ep.url, `webhook ${target.to} url`);
          const key = this.secret(ep.secret, `webhook ${target.to} secret`);
          return await sendWebhook(target.to, url, key, notice, this.clock.now().toISOString());
        }
      }
    } catch (err) {
      if (err instanceof DeliveryError)
        throw new DeliveryError(this.scrub(err.message), err.retryable, err.status);
      throw err;
    }
  }

  hasJira(): boolean {
    return this.cfg.channels?.jira !== undefined;
  }

  /** The Jira client; reading its token may fail (AMW_WORKFLOW_SECRET), so call it inside a retry. */
  jira(): JiraClient {
    const spec = this.cfg.channels?.jira;
    if (!spec) throw new AmwError('AMW_CONFIG_INVALID', 'channels.jira is not configured');
    this.jiraClient ??= new JiraClient(spec, this.secret(spec.token, 'jira token'));
    return this.jiraClient;
  }
}
