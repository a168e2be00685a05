import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { readText } from '../parsers/files.ts';

/**
 * A login banner states the site's terms and reveals nothing about the system: no getty escapes
 * (\m \r \s \v print machine, release, OS and version) and no OS name read from os-release.
 */
export const template = defineCheckTemplate({
  id: 'banner-content',
  title: 'Login banner has site text without OS details',
  params: Type.Object(
    {
      path: Type.String(),
      /** An empty or missing file passes (motd is optional) or fails (issue, issue.net must warn). */
      requireText: Type.Boolean({ default: true }),
    },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: [p.path, '/etc/os-release', '/usr/lib/os-release'] }),
  async evaluate(p, ctx) {
    const text = await readText(ctx.vfs, p.path);
    if (text === undefined || text.trim() === '')
      return p.requireText
        ? fail([
            {
              message: `${p.path} is ${text === undefined ? 'missing' : 'empty'}; it should carry the site's warning text`,
              path: p.path,
            },
          ])
        : pass([`${p.path} is empty or absent`]);
    const findings: Finding[] = [];
    const esc = text.match(/\\[mrsv]/g);
    if (esc)
      findings.push({
        message: `${p.path} contains getty escapes ${[...new Set(esc)].join(' ')} that reveal system details`,
        path: p.path,
      });
    const osr =
      (await readText(ctx.vfs, '/etc/os-release')) ?? (await readText(ctx.vfs, '/usr/lib/os-release')) ?? '';
    const id = /^ID="?([^"\n]+)/m.exec(osr)?.[1];
    const names = new Set([
      'debian',
      'ubuntu',
      'amazon linux',
      ...(id ? [id === 'amzn' ? 'amazon linux' : id] : []),
    ]);
    for (const n of names)
      if (text.toLowerCase().includes(n))
        findings.push({ message: `${p.path} names the operating system ("${n}")`, path: p.path });
    return findings.length ? fail(findings) : pass([`${p.path}: ${text.trim().slice(0, 60)}`]);
  },
});
