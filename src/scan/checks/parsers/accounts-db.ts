import type { CheckContext } from '../template.ts';
import type { GroupEntry, PasswdEntry, ShadowEntry } from '../../os/accounts.ts';
import { parseGroup, parsePasswd, parseShadow } from '../../os/accounts.ts';
import { readText } from './files.ts';

/** The image's own account databases, read once per scan. `undefined` = the file is missing. */
export interface AccountsDb {
  readonly passwd?: readonly PasswdEntry[];
  readonly group?: readonly GroupEntry[];
  readonly shadow?: readonly ShadowEntry[];
  readonly gshadow?: readonly ShadowEntry[];
}

export const ACCOUNT_READS = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow'];

export function readAccounts(ctx: CheckContext): Promise<AccountsDb> {
  return ctx.memo('accounts-db', async () => {
    const [p, g, s, gs] = await Promise.all(ACCOUNT_READS.map((f) => readText(ctx.vfs, f)));
    return {
      passwd: p === undefined ? undefined : parsePasswd(p),
      group: g === undefined ? undefined : parseGroup(g),
      shadow: s === undefined ? undefined : parseShadow(s),
      gshadow: gs === undefined ? undefined : parseShadow(gs),
    };
  });
}

export const userName = (db: AccountsDb, uid: number): string | undefined =>
  db.passwd?.find((u) => u.uid === uid)?.name;
export const groupName = (db: AccountsDb, gid: number): string | undefined =>
  db.group?.find((g) => g.gid === gid)?.name;
