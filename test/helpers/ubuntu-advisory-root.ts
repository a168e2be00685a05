import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An Ubuntu 22.04 root under `dir`/root for the advisory fixtures in test/fixtures/advisories/ubuntu:
 * libcurl4 (source curl) one version behind USN-9901-1's fix, and vim with an advisory that has no fix.
 */
export function ubuntuAdvisoryRoot(dir: string): string {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="22.04"\n');
  const stanza = (f: Record<string, string>): string =>
    Object.entries({ Status: 'install ok installed', Architecture: 'amd64', ...f })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
  writeFileSync(
    join(root, 'var/lib/dpkg/status'),
    `${[
      stanza({ Package: 'libcurl4', Source: 'curl', Version: '7.81.0-1ubuntu1.17' }),
      stanza({ Package: 'vim', Version: '2:8.2.3995-1ubuntu2.21' }),
    ].join('\n\n')}\n`,
  );
  return root;
}
