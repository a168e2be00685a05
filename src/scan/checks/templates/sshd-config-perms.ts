import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { ACCOUNT_READS, groupName, readAccounts } from '../parsers/accounts-db.ts';
import { expandGlob, statOrNull } from '../parsers/files.ts';
import { permFindings } from '../parsers/perms.ts';
import { SSHD_READS, readSshdConfig } from '../parsers/sshd-config.ts';

const Params = Type.Object(
  {
    /** config: sshd_config and every file it Includes; private-keys / public-keys: /etc/ssh/ssh_host_*_key(.pub). */
    kind: Type.Union([Type.Literal('config'), Type.Literal('private-keys'), Type.Literal('public-keys')]),
  },
  { additionalProperties: false },
);

export const template = defineCheckTemplate({
  id: 'sshd-config-perms',
  title: 'sshd configuration and host key permissions',
  params: Params,
  reads: () => ({ globs: [...SSHD_READS, ...ACCOUNT_READS] }),
  async evaluate(p, ctx) {
    const findings: Finding[] = [];
    let paths: string[];
    if (p.kind === 'config') {
      const cfg = await readSshdConfig(ctx);
      if (!cfg.present) return notApplicable('no /etc/ssh/sshd_config: the SSH server is not installed');
      paths = [...cfg.files];
    } else {
      const keys = await expandGlob(
        ctx.vfs,
        '/etc/ssh/ssh_host_*_key' + (p.kind === 'public-keys' ? '.pub' : ''),
      );
      paths = keys;
      if (paths.length === 0)
        return notApplicable('no SSH host keys in the image (they are generated at first boot)');
    }
    for (const path of paths) {
      const st = await statOrNull(ctx.vfs, path);
      if (!st) continue;
      // Amazon Linux and Fedora give private keys to group ssh_keys with 0640 so sshd-keygen can run unprivileged.
      const spec =
        p.kind === 'config'
          ? { maxMode: 0o600, owners: ['root'], groups: ['root'] }
          : p.kind === 'public-keys'
            ? { maxMode: 0o644, owners: ['root'], groups: ['root'] }
            : { maxMode: 0o640, owners: ['root'], groups: ['root', 'ssh_keys'] };
      findings.push(...(await permFindings(ctx, path, st, spec)));
      if (p.kind === 'private-keys' && (st.mode & 0o040) !== 0) {
        const group = groupName(await readAccounts(ctx), st.gid);
        if (group !== 'ssh_keys')
          findings.push({
            message: `${path} is group-readable by ${group ?? st.gid}, only ssh_keys may read host keys`,
            path,
          });
      }
    }
    return findings.length ? fail(findings) : pass(paths);
  },
});
