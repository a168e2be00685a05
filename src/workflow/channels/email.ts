import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ChannelsSpec } from '../config.ts';
import { renderEmail } from '../templates/email.ts';
import type { Notice } from '../notice.ts';
import { DeliveryError } from './http.ts';

type EmailSpec = NonNullable<ChannelsSpec['email']>;

/** SMTP through nodemailer. The Message-ID comes from the idempotency key, so a resent copy is recognisably the same mail. */
export async function sendEmail(
  spec: EmailSpec,
  password: string | undefined,
  to: string,
  notice: Notice,
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: spec.host,
    port: spec.port,
    secure: spec.secure ?? false,
    ...(spec.user ? { auth: { user: spec.user, pass: password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const mail = renderEmail(notice);
  const id = createHash('sha256').update(notice.idempotencyKey).digest('hex').slice(0, 32);
  try {
    await transport.sendMail({
      from: spec.from,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<${id}@amiwarden>`,
      headers: { 'X-Amiwarden-Idempotency-Key': notice.idempotencyKey },
    });
  } catch (err) {
    const e = err as { responseCode?: number; code?: string; message?: string };
    // 5xx SMTP replies are permanent for this message; connection failures and 4xx are worth retrying.
    const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
    throw new DeliveryError(
      `email to ${to}: ${e.code ?? 'failed'} ${e.responseCode ?? ''}`.trim(),
      !permanent,
      e.responseCode,
    );
  } finally {
    transport.close();
  }
}
