import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AmwError } from '../../errors.ts';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** viewer reads; operator also acts on violations; admin also manages tokens. */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

export interface ApiTokensTable {
  token_id: string;
  name: string;
  role: string;
  secret_sha256: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface TokenTables {
  api_tokens: ApiTokensTable;
}

const PREFIX = 'amw';
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Creates a token and returns its secret form `amw_<id>_<secret>` exactly once; the store keeps
 * only a SHA-256 of the secret (the secret has 256 bits of entropy, so a slow hash adds nothing).
 */
export async function createToken(
  db: Kysely<TokenTables>,
  name: string,
  role: Role,
  now: Date = new Date(),
): Promise<{ tokenId: string; token: string }> {
  if (!ROLES.includes(role)) throw new AmwError('AMW_USAGE', `role must be one of ${ROLES.join(', ')}`);
  const tokenId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await db
    .insertInto('api_tokens')
    .values({
      token_id: tokenId,
      name,
      role,
      secret_sha256: sha256(secret),
      created_at: now.toISOString(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { tokenId, token: `${PREFIX}_${tokenId}_${secret}` };
}

export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
}

/** Resolves a presented token to its principal, or undefined when unknown, malformed or revoked. */
export async function verifyToken(
  db: Kysely<TokenTables>,
  presented: string,
): Promise<Principal | undefined> {
  const m = /^amw_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(presented);
  if (!m) return undefined;
  const [, tokenId, secret] = m as unknown as [string, string, string];
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_id', '=', tokenId)
    .executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  const a = Buffer.from(row.secret_sha256, 'hex');
  const b = Buffer.from(sha256(secret), 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
  return { tokenId, name: row.name, role: row.role as Role };
}

export async function touchToken(
  db: Kysely<TokenTables>,
  tokenId: string,
  now: Date = new Date(),
): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now.toISOString() })
    .where('token_id', '=', tokenId)
    .execute();
}

export async function revokeToken(
  db: Kysely<TokenTables>,
  tokenId: string,
  now: Date = new Date(),
): Promise<boolean> {
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('token_id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function listTokens(db: Kysely<TokenTables>): Promise<Omit<ApiTokensTable, 'secret_sha256'>[]> {
  return db
    .selectFrom('api_tokens')
    .select(['token_id', 'name', 'role', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('created_at')
    .execute();
}
