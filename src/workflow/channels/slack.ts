import { renderSlack } from '../templates/slack.ts';
import type { Notice } from '../notice.ts';
import { request } from './http.ts';

/** Posts a notice to a Slack incoming webhook. The URL is the secret. */
export async function sendSlack(name: string, url: string, notice: Notice): Promise<void> {
  const body = JSON.stringify(renderSlack(notice));
  await request(`slack ${name}`, url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': notice.idempotencyKey },
    body,
  });
}
