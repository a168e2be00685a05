import { readFileSync } from 'node:fs';
import { AmwError } from '../errors.ts';
import type { SecretRef } from './config.ts';

/**
 * Channel secrets (webhook URLs, SMTP passwords, Jira tokens) come from the environment or
 * a file at the moment of sending. They are never copied into the store, a log line or an
 * error message: errors name the variable or file, not the value.
 */
export function readSecret(ref: SecretRef, what: string, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.env !== undefined) {
    const v = env[ref.env];
    if (v !== undefined && v !== '') return v.trim();
    if (ref.file === undefined)
      throw new AmwError('AMW_WORKFLOW_SECRET', `${what}: environment variable ${ref.env} is not set`);
  }
  if (ref.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(ref.file, 'utf8');
    } catch {
      throw new AmwError('AMW_WORKFLOW_SECRET', `${what}: cannot read secret file ${ref.file}`);
    }
    const v = text.trim();
    if (v === '') throw new AmwError('AMW_WORKFLOW_SECRET', `${what}: secret file ${ref.file} is empty`);
    return v;
  }
  throw new AmwError('AMW_WORKFLOW_SECRET', `${what}: no env or file given for the secret`);
}

/** Replaces every known secret value in a text, for error messages that quote a server's reply. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
