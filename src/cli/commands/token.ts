import { Command } from 'commander';
import type { Kysely } from 'kysely';
import { AmwError } from '../../errors.ts';
import { ROLES, createToken, listTokens, revokeToken } from '../../server/auth/tokens.ts';
import type { Role, TokenTables } from '../../server/auth/tokens.ts';
import { openStore } from '../../store/db.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import type { CommandModule } from './index.ts';

const nameFlag = defineFlag({ name: 'name', description: 'who or what the token is for', kind: 'string' });
const roleFlag = defineFlag({
  name: 'role',
  description: 'viewer reads; operator also waives and acknowledges; admin also manages tokens',
  kind: 'string',
  choices: ROLES,
  defaultValue: 'viewer',
});

async function withTokens<T>(db: string, fn: (tokens: Kysely<TokenTables>) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await fn(store.db as unknown as Kysely<TokenTables>);
  } finally {
    await store.close();
  }
}

export const command: CommandModule = {
  name: 'token',
  register(program) {
    const token = new Command('token').description('manage API tokens for `amiwarden serve`');
    addFlags(
      token.command('create').description('create a token and print it once (only its hash is stored)'),
      commonFlags.db,
      nameFlag,
      roleFlag,
    ).action(async (opts: { db: string; name?: string; role: Role }) => {
      if (!opts.name) throw new AmwError('AMW_USAGE', 'token create needs --name');
      const { tokenId, token: secret } = await withTokens(opts.db, (t) =>
        createToken(t, opts.name!, opts.role),
      );
      console.error(`created token ${tokenId} (${opts.role}) for ${opts.name}; it is shown only now:`);
      console.log(secret);
    });
    addFlags(token.command('list').description('list tokens (never their secrets)'), commonFlags.db).action(
      async (opts: { db: string }) => {
        const rows = await withTokens(opts.db, listTokens);
        for (const r of rows)
          console.log(
            [
              r.token_id,
              r.role.padEnd(8),
              r.name,
              `created ${r.created_at}`,
              r.revoked_at ? `revoked ${r.revoked_at}` : 'active',
            ].join('  '),
          );
      },
    );
    addFlags(
      token.command('revoke').argument('<token-id>').description('revoke a token'),
      commonFlags.db,
    ).action(async (id: string, opts: { db: string }) => {
      const done = await withTokens(opts.db, (t) => revokeToken(t, id));
      if (!done) throw new AmwError('AMW_NOT_FOUND', `no active token ${id}`);
      console.log(`revoked ${id}`);
    });
    program.addCommand(token);
  },
};
