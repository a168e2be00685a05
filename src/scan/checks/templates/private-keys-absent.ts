import { Type } from '@sinclair/typebox';
import { walkTree } from '../../vfs/walk.ts';
import { globMatch } from '../glob.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, pass } from '../verdict.ts';
import type { Finding } from '../verdict.ts';

const PEM_PRIVATE = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const PUTTY_PRIVATE = /^PuTTY-User-Key-File-\d+:/m;

/** A private key in a shared image is a key everyone with the image holds. */
export const template = defineCheckTemplate({
  id: 'private-keys-absent',
  title: 'No private keys are stored in the image',
  params: Type.Object(
    {
      /** Directories searched recursively. */
      roots: Type.Array(Type.String(), { default: ['/root', '/home', '/etc', '/opt', '/srv', '/usr/local'] }),
      /** Globs of keys judged by other checks (SSH host keys) or expected by design. */
      exclude: Type.Array(Type.String(), { default: ['/etc/ssh/ssh_host_*_key'] }),
      /** Larger files are not keys; skipping them keeps the scan cheap. */
      maxFileBytes: Type.Integer({ minimum: 64, default: 64 * 1024 }),
    },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: p.roots.map((r) => `${r.replace(/\/+$/, '')}/**`) }),
  async evaluate(p, ctx) {
    const findings: Finding[] = [];
    for (const root of p.roots) {
      const candidates: string[] = [];
      const summary = await walkTree(ctx.vfs, root, (e) => {
        if (e.stat.type !== 'file' || e.stat.size === 0 || e.stat.size > p.maxFileBytes) return;
        if (p.exclude.some((g) => globMatch(g, e.path))) return;
        candidates.push(e.path);
      });
      for (const pr of summary.problems)
        if (pr.reason !== 'ENOENT' || pr.path !== root) ctx.coverage?.({ part: pr.path, reason: pr.reason });
      for (const path of candidates) {
        let text: string;
        try {
          text = (await ctx.vfs.readFile(path, { maxBytes: p.maxFileBytes })).toString('latin1');
        } catch (err) {
          ctx.coverage?.({ part: path, reason: `not searched for keys: ${(err as Error).message}` });
          continue;
        }
        const m = PEM_PRIVATE.exec(text) ?? PUTTY_PRIVATE.exec(text);
        if (m) {
          const line = text.slice(0, m.index).split('\n').length;
          findings.push({
            message: `private key stored in the image (${m[0].replace(/-/g, '').trim()})`,
            path,
            line,
          });
        }
      }
    }
    return findings.length ? fail(findings) : pass();
  },
});
