import type { ChannelsSpec } from '../config.ts';
import type { AdfDoc } from '../templates/jira.ts';
import { DeliveryError, request } from './http.ts';

type JiraSpec = NonNullable<ChannelsSpec['jira']>;

/**
 * Jira Cloud REST v3. Every call is safe to repeat: an issue is found by its label before
 * one is created, a comment carries its idempotency key and is skipped when already
 * present, and closing an issue that is already done does nothing.
 */
export class JiraClient {
  private readonly base: string;
  private readonly auth: string;

  constructor(
    private readonly spec: JiraSpec,
    token: string,
  ) {
    this.base = spec.url.replace(/\/+$/, '');
    this.auth = `Basic ${Buffer.from(`${spec.user}:${token}`).toString('base64')}`;
  }

  private async call<T>(what: string, method: string, path: string, body?: unknown): Promise<T> {
    const res = await request(`jira ${what}`, `${this.base}${path}`, {
      method,
      headers: {
        authorization: this.auth,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.body.trim() === '') return undefined as T;
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new DeliveryError(`jira ${what}: reply is not JSON`, true);
    }
  }

  async findByLabel(label: string): Promise<string | null> {
    const jql = `labels = "${label}" ORDER BY created ASC`;
    const res = await this.call<{ issues?: { key: string }[] }>('search', 'POST', '/rest/api/3/search/jql', {
      jql,
      fields: ['status'],
      maxResults: 1,
    });
    return res?.issues?.[0]?.key ?? null;
  }

  /** The issue carrying `label`, created when none exists yet. */
  async ensureIssue(label: string, summary: string, description: AdfDoc): Promise<string> {
    const found = await this.findByLabel(label);
    if (found) return found;
    const res = await this.call<{ key?: string }>('create issue', 'POST', '/rest/api/3/issue', {
      fields: {
        project: { key: this.spec.project },
        issuetype: { name: this.spec.issue_type ?? 'Task' },
        summary,
        description,
        labels: ['amiwarden', label],
      },
    });
    if (!res?.key) throw new DeliveryError('jira create issue: reply has no key', true);
    return res.key;
  }

  async comment(issueKey: string, body: AdfDoc, idempotencyKey: string): Promise<void> {
    const path = `/rest/api/3/issue/${encodeURIComponent(issueKey)}/comment`;
    const existing = await this.call<{ comments?: { body?: unknown }[] }>(
      'list comments',
      'GET',
      `${path}?maxResults=100`,
    );
    if (existing?.comments?.some((c) => JSON.stringify(c.body ?? '').includes(idempotencyKey))) return;
    const marked: AdfDoc = {
      ...body,
      content: [
        ...body.content,
        {
          type: 'paragraph',
          content: [{ type: 'text', text: `ref ${idempotencyKey}`, marks: [{ type: 'code' }] }],
        },
      ],
    };
    await this.call('comment', 'POST', path, { body: marked });
  }

  /** Moves the issue through the configured done transition, unless it is done already. */
  async close(issueKey: string): Promise<void> {
    const key = encodeURIComponent(issueKey);
    const issue = await this.call<{ fields?: { status?: { statusCategory?: { key?: string } } } }>(
      'read issue',
      'GET',
      `/rest/api/3/issue/${key}?fields=status`,
    );
    if (issue?.fields?.status?.statusCategory?.key === 'done') return;
    const want = (this.spec.done_transition ?? 'Done').toLowerCase();
    const list = await this.call<{ transitions?: { id: string; name: string }[] }>(
      'list transitions',
      'GET',
      `/rest/api/3/issue/${key}/transitions`,
    );
    const t = list?.transitions?.find((x) => x.name.toLowerCase() === want);
    if (!t)
      throw new DeliveryError(
        `jira close ${issueKey}: no transition named "${this.spec.done_transition ?? 'Done'}"`,
        false,
      );
    await this.call('transition', 'POST', `/rest/api/3/issue/${key}/transitions`, {
      transition: { id: t.id },
    });
  }
}
