// Builds a real Debian 12 minbase root once with debootstrap, from the machine's configured
// Debian mirror, into a cache directory that survives runs. Scanner tests and bench/scan.ts read
// it through AMW_TEST_DEBIAN_ROOT. Skips loudly when debootstrap cannot run (not root, no network).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CACHE = process.env.AMW_TEST_DEBIAN_CACHE ?? '/var/cache/amiwarden-test';
const ROOT = join(CACHE, 'debian12-root');
const STAMP = join(CACHE, 'debian12-root.done');

/** The first Debian mirror URI apt is configured with (deb822 or one-line format). */
export function configuredMirror() {
  const files = [];
  if (existsSync('/etc/apt/sources.list')) files.push('/etc/apt/sources.list');
  if (existsSync('/etc/apt/sources.list.d'))
    for (const f of readdirSync('/etc/apt/sources.list.d'))
      if (f.endsWith('.sources') || f.endsWith('.list')) files.push(join('/etc/apt/sources.list.d', f));
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^URIs:\s*(\S+)/gm)) if (!/security/.test(m[1])) return m[1];
    for (const m of text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/gm)) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

function findDebootstrap() {
  for (const p of ['/usr/sbin/debootstrap', '/usr/bin/debootstrap']) if (existsSync(p)) return p;
  return undefined;
}

export async function setup() {
  if (existsSync(STAMP) && existsSync(join(ROOT, 'var/lib/dpkg/status')))
    return { env: { AMW_TEST_DEBIAN_ROOT: ROOT }, describe: `Debian 12 root (cached) at ${ROOT}` };
  const tool = findDebootstrap();
  if (!tool) return { skip: 'debootstrap is not installed (apt-get install debootstrap)' };
  if (process.getuid?.() !== 0) return { skip: 'debootstrap needs root to build the Debian 12 root' };
  mkdirSync(CACHE, { recursive: true });
  const work = `${ROOT}.partial`;
  rmSync(work, { recursive: true, force: true });
  const mirror = configuredMirror();
  console.error(
    `test setup: debootstrap: building Debian 12 minbase from ${mirror} (once; cached in ${CACHE})`,
  );
  const r = spawnSync(tool, ['--variant=minbase', 'bookworm', work, mirror], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 20 * 60 * 1000,
  });
  if (r.status !== 0) {
    const tail = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    rmSync(work, { recursive: true, force: true });
    return { skip: `debootstrap failed (exit ${r.status ?? r.signal}): ${tail}` };
  }
  rmSync(ROOT, { recursive: true, force: true });
  renameSync(work, ROOT);
  writeFileSync(STAMP, `${mirror}\n`);
  return { env: { AMW_TEST_DEBIAN_ROOT: ROOT }, describe: `Debian 12 root built at ${ROOT}` };
}
