import { Type } from '@sinclair/typebox';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { ACCOUNT_READS, readAccounts } from '../parsers/accounts-db.ts';
import { PAM_READS, pamArg, pamStack } from '../parsers/pam.ts';

/** su is limited to an (empty) group: pam_wheel with use_uid in su's auth stack, and that group has no members. */
export const template = defineCheckTemplate({
  id: 'pam-wheel-group',
  title: 'su restricted by pam_wheel to a group without members',
  params: Type.Object({ service: Type.String({ default: 'su' }) }, { additionalProperties: false }),
  reads: () => ({ globs: [...PAM_READS, ...ACCOUNT_READS] }),
  async evaluate(p, ctx) {
    const line = (await pamStack(ctx, p.service, 'auth')).find(
      (l) => l.module === 'pam_wheel.so' && (l.control === 'required' || l.control === 'requisite'),
    );
    if (!line)
      return fail([
        {
          message: `no "auth required pam_wheel.so" in /etc/pam.d/${p.service}`,
          path: `/etc/pam.d/${p.service}`,
        },
      ]);
    if (pamArg(line.args, 'use_uid') === undefined)
      return fail([
        { message: `pam_wheel.so in ${line.path} lacks use_uid`, path: line.path, line: line.line },
      ]);
    const name = pamArg(line.args, 'group');
    const db = await readAccounts(ctx);
    // Without group= pam_wheel uses the group with GID 0.
    const group = (db.group ?? []).find((g) => (name ? g.name === name : g.gid === 0));
    if (!group)
      return fail([
        {
          message: `pam_wheel group ${name ?? 'GID 0'} does not exist in /etc/group`,
          path: line.path,
          line: line.line,
        },
      ]);
    const members = [
      ...group.members,
      ...(db.passwd ?? []).filter((u) => u.gid === group.gid && u.name !== 'root').map((u) => u.name),
    ];
    if (members.length)
      return fail([
        {
          message: `su group ${group.name} has members: ${members.join(', ')}`,
          path: '/etc/group',
          line: group.line,
        },
      ]);
    return pass([
      `${line.path}:${line.line} pam_wheel.so ${line.args.join(' ')}; group ${group.name} is empty`,
    ]);
  },
});
