import { AmwError } from '../../errors.ts';

/**
 * A failed delivery attempt. `retryable` is false for answers that will not change by
 * asking again (400, 401, 403, 404); the step still stays undone, so a fixed configuration
 * delivers on the next tick.
 */
export class DeliveryError extends AmwError {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super('AMW_WORKFLOW_DELIVERY', message);
  }
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * Sends one request. The URL may itself be a secret (Slack webhooks are), so messages name
 * only `what`, never the URL, and quote at most the start of the server's reply.
 */
export async function request(
  what: string,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  timeoutMs = 10_000,
): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new DeliveryError(`${what}: request failed (${code})`, true);
  }
  const body = await res.text().catch(() => '');
  if (res.status >= 200 && res.status < 300) return { status: res.status, body };
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new DeliveryError(
    `${what}: HTTP ${res.status} ${body.slice(0, 120).replace(/\s+/g, ' ')}`.trim(),
    retryable,
    res.status,
  );
}
