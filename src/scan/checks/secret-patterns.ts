/** Patterns for secrets typed into shells and tools; a hit names the kind, never echoes the secret. */
export const SECRET_PATTERNS: ReadonlyArray<{ readonly kind: string; readonly re: RegExp }> = [
  { kind: 'AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'AWS secret access key', re: /aws_secret_access_key\s*[=:]\s*\S{20,}/i },
  { kind: 'private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { kind: 'GitHub token', re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{30,}/ },
  { kind: 'Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { kind: 'bearer token', re: /authorization:\s*bearer\s+[A-Za-z0-9._~+/-]{16,}/i },
  { kind: 'password on a command line', re: /(?:--password[= ]|\bsshpass\s+-p\s*|\bmysql\b.*\s-p)\S+/ },
  { kind: 'password assignment', re: /\b(?:PASSWORD|PASSWD|SECRET|TOKEN)[A-Z_]*=\S{6,}/ },
  { kind: 'URL with credentials', re: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
];

export interface SecretHit {
  readonly kind: string;
  readonly line: number;
}

export function scanSecrets(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  text.split('\n').forEach((l, i) => {
    for (const p of SECRET_PATTERNS) if (p.re.test(l)) hits.push({ kind: p.kind, line: i + 1 });
  });
  return hits;
}
