import type { PasswdEntry } from '../../os/accounts.ts';
import type { CheckContext } from '../template.ts';
import { readAccounts } from './accounts-db.ts';
import { contentLines, readText } from './files.ts';

const NOLOGIN = /(^|\/)(nologin|false)$/;

/** Users who can log in: their shell is listed in the image's /etc/shells (or, without that file, is not nologin/false). */
export async function interactiveUsers(ctx: CheckContext): Promise<PasswdEntry[]> {
  const db = await readAccounts(ctx);
  const shellsText = await readText(ctx.vfs, '/etc/shells');
  const shells = shellsText === undefined ? undefined : new Set(contentLines(shellsText).map((l) => l.text));
  return (db.passwd ?? []).filter((u) =>
    shells ? shells.has(u.shell) && !NOLOGIN.test(u.shell) : u.shell !== '' && !NOLOGIN.test(u.shell),
  );
}

/** Home directories a check may look into: the declared reads cover /root and /home/*. */
export const HOME_READS = ['/root', '/root/*', '/home/*', '/home/*/*', '/home/*/.*', '/root/.*'];
export const homeCovered = (home: string): boolean => home === '/root' || /^\/home\/[^/]+$/.test(home);
