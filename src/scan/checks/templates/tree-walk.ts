import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, manual, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { ACCOUNT_READS, readAccounts } from '../parsers/accounts-db.ts';
import { expandGlob, octal, readText } from '../parsers/files.ts';
import type { CheckContext } from '../template.ts';
import { allEntries } from '../parsers/walk.ts';

// Findings are capped so one bad directory cannot make a report of a million lines.
const CAP = 200;

async function packagedFiles(ctx: CheckContext): Promise<Set<string> | undefined> {
  const lists = await expandGlob(ctx.vfs, '/var/lib/dpkg/info/*.list');
  if (lists.length === 0) return undefined;
  const out = new Set<string>();
  for (const l of lists) for (const f of ((await readText(ctx.vfs, l)) ?? '').split('\n')) if (f) out.add(f);
  return out;
}

/** Whole-tree inode checks (metadata only): world-writable entries, unowned files, setuid/setgid programs. */
export const template = defineCheckTemplate({
  id: 'tree-walk',
  title: 'Whole-filesystem permission walk',
  params: Type.Object(
    {
      check: Type.Union([Type.Literal('world-writable'), Type.Literal('unowned'), Type.Literal('suid-sgid')]),
    },
    { additionalProperties: false },
  ),
  reads: () => ({ globs: ['/**', ...ACCOUNT_READS], metadataOnly: true }),
  async evaluate(p, ctx) {
    const db = await readAccounts(ctx);
    const uids = new Set((db.passwd ?? []).map((u) => u.uid));
    const gids = new Set((db.group ?? []).map((g) => g.gid));
    const findings: Finding[] = [];
    const listed: string[] = [];
    let total = 0;
    for (const [path, st] of await allEntries(ctx)) {
      let msg: string | undefined;
      if (p.check === 'world-writable') {
        if (st.type === 'file' && st.mode & 0o002)
          msg = `${path} is a world-writable file (${octal(st.mode)})`;
        else if (st.type === 'dir' && st.mode & 0o002 && !(st.mode & 0o1000))
          msg = `${path} is a world-writable directory without the sticky bit (${octal(st.mode)})`;
      } else if (p.check === 'unowned') {
        if (!uids.has(st.uid))
          msg = `${path} is owned by UID ${st.uid}, which the image's /etc/passwd does not define`;
        else if (!gids.has(st.gid))
          msg = `${path} has GID ${st.gid}, which the image's /etc/group does not define`;
      } else if (st.type === 'file' && st.mode & 0o6000) listed.push(`${path} ${octal(st.mode)}`);
      if (msg) {
        total++;
        if (findings.length < CAP) findings.push({ message: msg, path, actual: octal(st.mode) });
      }
    }
    if (p.check === 'suid-sgid') {
      if (listed.length === 0) return pass(['no setuid or setgid files']);
      // A privileged program no package installed was put there by hand: that needs no site list to flag.
      const owned = await packagedFiles(ctx);
      // Merged-/usr images keep the pre-merge paths in dpkg's lists (/bin/su for /usr/bin/su).
      const known = (f: string): boolean =>
        owned!.has(f) || (f.startsWith('/usr/') && owned!.has(f.slice(4)));
      const stray = owned ? listed.filter((l) => !known(l.split(' ')[0]!)) : [];
      if (stray.length)
        return fail(
          stray.map((l) => ({
            message: `setuid/setgid ${l} belongs to no installed package`,
            path: l.split(' ')[0],
          })),
        );
      return manual(`review these setuid/setgid programs against the site's list: ${listed.join('; ')}`);
    }
    if (total > CAP) findings.push({ message: `${total - CAP} more entries like these were not listed` });
    return findings.length ? fail(findings) : pass(['whole tree walked']);
  },
});
