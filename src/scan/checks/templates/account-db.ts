import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { errored, fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import type { AccountsDb } from '../parsers/accounts-db.ts';
import { ACCOUNT_READS, readAccounts } from '../parsers/accounts-db.ts';
import { readText } from '../parsers/files.ts';
import { LOGIN_DEFS, uidMin } from '../parsers/login-defs.ts';
import type { CheckContext } from '../template.ts';

const CHECKS = [
  'uid0-only-root',
  'root-gid-0',
  'gid0-only-root-group',
  'shadowed-passwords',
  'no-empty-passwords',
  'groups-exist',
  'duplicate-uids',
  'duplicate-gids',
  'duplicate-user-names',
  'duplicate-group-names',
  'shadow-group-empty',
  'root-access-controlled',
  'root-password-set',
  'system-accounts-no-shell',
  'nologin-accounts-locked',
  'last-change-in-past',
] as const;

const NOLOGIN = /(^|\/)(nologin|false)$/;
// Accounts the benchmark exempts from "system accounts have no shell": they exist to run one command.
const SPECIAL = new Set(['root', 'sync', 'shutdown', 'halt']);

function dups<T>(
  items: readonly T[],
  key: (t: T) => string | number,
  what: string,
  path: string,
  line: (t: T) => number,
): Finding[] {
  const seen = new Map<string | number, T>();
  const out: Finding[] = [];
  for (const it of items) {
    const k = key(it);
    const prev = seen.get(k);
    if (prev !== undefined)
      out.push({
        message: `duplicate ${what} ${k} (lines ${line(prev)} and ${line(it)})`,
        path,
        line: line(it),
      });
    else seen.set(k, it);
  }
  return out;
}

async function run(check: (typeof CHECKS)[number], db: AccountsDb, ctx: CheckContext): Promise<Finding[]> {
  const pw = db.passwd ?? [];
  const gr = db.group ?? [];
  const sh = db.shadow ?? [];
  const P = '/etc/passwd';
  const G = '/etc/group';
  const S = '/etc/shadow';
  switch (check) {
    case 'uid0-only-root':
      return pw
        .filter((u) => u.uid === 0 && u.name !== 'root')
        .map((u) => ({ message: `account ${u.name} has UID 0`, path: P, line: u.line }));
    case 'root-gid-0':
      return pw
        .filter((u) => u.name === 'root' && u.gid !== 0)
        .map((u) => ({ message: `root's primary group is GID ${u.gid}, not 0`, path: P, line: u.line }));
    case 'gid0-only-root-group':
      return gr
        .filter((g) => g.gid === 0 && g.name !== 'root')
        .map((g) => ({ message: `group ${g.name} has GID 0`, path: G, line: g.line }));
    case 'shadowed-passwords': {
      const text = (await readText(ctx.vfs, P)) ?? '';
      return pw
        .filter((u) => text.split('\n')[u.line - 1]?.split(':')[1] !== 'x')
        .map((u) => ({
          message: `account ${u.name} keeps its password field in /etc/passwd instead of "x"`,
          path: P,
          line: u.line,
        }));
    }
    case 'no-empty-passwords':
      return sh
        .filter((s) => s.password === '')
        .map((s) => ({ message: `account ${s.name} has an empty password`, path: S, line: s.line }));
    case 'groups-exist': {
      const gids = new Set(gr.map((g) => g.gid));
      return pw
        .filter((u) => !gids.has(u.gid))
        .map((u) => ({
          message: `account ${u.name} has primary GID ${u.gid}, which /etc/group does not define`,
          path: P,
          line: u.line,
        }));
    }
    case 'duplicate-uids':
      return dups(
        pw,
        (u) => u.uid,
        'UID',
        P,
        (u) => u.line,
      );
    case 'duplicate-gids':
      return dups(
        gr,
        (g) => g.gid,
        'GID',
        G,
        (g) => g.line,
      );
    case 'duplicate-user-names':
      return dups(
        pw,
        (u) => u.name,
        'user name',
        P,
        (u) => u.line,
      );
    case 'duplicate-group-names':
      return dups(
        gr,
        (g) => g.name,
        'group name',
        G,
        (g) => g.line,
      );
    case 'shadow-group-empty': {
      const g = gr.find((x) => x.name === 'shadow');
      if (!g) return [];
      return [
        ...g.members.map((m) => ({
          message: `user ${m} is a member of the shadow group`,
          path: G,
          line: g.line,
        })),
        ...pw
          .filter((u) => u.gid === g.gid)
          .map((u) => ({ message: `user ${u.name} has shadow as primary group`, path: P, line: u.line })),
      ];
    }
    case 'root-access-controlled':
    case 'root-password-set': {
      const r = sh.find((s) => s.name === 'root');
      if (!r) return [{ message: 'root has no /etc/shadow entry', path: S }];
      const hashed = /^\$/.test(r.password);
      const locked = /^[!*]/.test(r.password);
      if (check === 'root-password-set' ? hashed : hashed || locked) return [];
      return [
        {
          message: `root password field is "${r.password.slice(0, 2)}…": ${check === 'root-password-set' ? 'no password hash is set' : 'neither a password hash nor locked'}`,
          path: S,
          line: r.line,
        },
      ];
    }
    case 'system-accounts-no-shell': {
      const min = await uidMin(ctx);
      return pw
        .filter((u) => u.uid < min && !SPECIAL.has(u.name) && !NOLOGIN.test(u.shell))
        .map((u) => ({
          message: `system account ${u.name} (UID ${u.uid}) has login shell ${u.shell}`,
          path: P,
          line: u.line,
        }));
    }
    case 'nologin-accounts-locked': {
      const shadow = new Map(sh.map((s) => [s.name, s]));
      return pw
        .filter((u) => u.name !== 'root' && NOLOGIN.test(u.shell))
        .filter((u) => {
          const s = shadow.get(u.name);
          return s !== undefined && !/^[!*]/.test(s.password);
        })
        .map((u) => ({
          message: `account ${u.name} has no login shell but its password is not locked`,
          path: S,
          line: shadow.get(u.name)!.line,
        }));
    }
    case 'last-change-in-past': {
      const today = Math.floor(Date.now() / 86_400_000);
      return sh
        .filter((s) => s.lastChange !== undefined && s.lastChange > today)
        .map((s) => ({
          message: `user ${s.name} last changed the password on day ${s.lastChange}, which is in the future`,
          path: S,
          line: s.line,
        }));
    }
  }
}

export const template = defineCheckTemplate({
  id: 'account-db',
  title: 'Consistency of the image passwd, group and shadow databases',
  params: Type.Object(
    { check: Type.Union(CHECKS.map((c) => Type.Literal(c))) },
    { additionalProperties: false },
  ),
  reads: () => ({ globs: [...ACCOUNT_READS, LOGIN_DEFS] }),
  async evaluate(p, ctx) {
    const db = await readAccounts(ctx);
    if (!db.passwd) return errored('/etc/passwd is missing: the image has no account database');
    const findings = await run(p.check, db, ctx);
    return findings.length ? fail(findings) : pass([`${p.check}: ${db.passwd.length} accounts checked`]);
  },
});
