import { createHmac } from 'node:crypto';
import { renderWebhook } from '../templates/webhook.ts';
import type { Notice } from '../notice.ts';
import { request } from './http.ts';

export const SIGNATURE_HEADER = 'x-amiwarden-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `sha256=<hex>` of the exact body bytes, keyed with the endpoint's shared secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export async function sendWebhook(
  name: string,
  url: string,
  secret: string,
  notice: Notice,
  sentAt: string,
): Promise<void> {
  const body = JSON.stringify(renderWebhook(notice, sentAt));
  await request(`webhook ${name}`, url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signBody(secret, body),
      [IDEMPOTENCY_HEADER]: notice.idempotencyKey,
    },
    body,
  });
}
