import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeRpmdbSqlite } from '../../../test/scan/rpmdb-fixture.ts';
import { withTree } from '../../../test/helpers/tree-spec.ts';
import type { TreeSpec } from '../../../test/helpers/tree-spec.ts';
import { detectOs } from '../os/detect.ts';
import { DirVfs } from '../vfs/dir-vfs.ts';
import { parseApkInstalled } from './apk.ts';
import { parseDpkgStatus } from './dpkg.ts';
import { readPackageInventory } from './inventory.ts';
import { sourceNameOf } from './rpm.ts';
import type { PackageInventory } from './types.ts';

async function inventoryOf(spec: TreeSpec, prepare?: (root: string) => void): Promise<PackageInventory> {
  const { root, cleanup } = await withTree(spec);
  try {
    prepare?.(root);
    const vfs = new DirVfs(root);
    return await readPackageInventory(vfs, (await detectOs(vfs)).os);
  } finally {
    await cleanup();
  }
}

test('dpkg status: installed packages only, source and version, continuation lines', () => {
  const text = [
    'Package: login\nStatus: install ok installed\nArchitecture: amd64\nSource: shadow (1:4.13+dfsg1-1)\nVersion: 1:4.13+dfsg1-1+b1\nDescription: x\n more text\n',
    'Package: telnet\nStatus: deinstall ok config-files\nVersion: 0.17\n',
    'Package: half\nStatus: install ok half-configured\nVersion: 1\n',
    'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\nArchitecture: amd64\n',
  ].join('\n');
  const pkgs = parseDpkgStatus(text);
  assert.deepEqual(
    pkgs.map((p) => [p.name, p.version, p.sourceName, p.sourceVersion]),
    [
      ['login', '1:4.13+dfsg1-1+b1', 'shadow', '1:4.13+dfsg1-1'],
      ['bash', '5.2.15-2+b2', 'bash', undefined],
    ],
  );
});

test('apk installed db and rpm source names', () => {
  const pkgs = parseApkInstalled(
    'C:Q1x\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\n\nP:busybox\nV:1.36.1-r15\n',
  );
  assert.deepEqual(
    pkgs.map((p) => `${p.name}@${p.version}`),
    ['musl@1.2.4-r2', 'busybox@1.36.1-r15'],
  );
  assert.equal(sourceNameOf('openssl-3.0.8-1.amzn2023.0.18.src.rpm'), 'openssl');
});

test('rpmdb.sqlite is read from memory through the Vfs: name, version-release, epoch, arch', async () => {
  const inv = await inventoryOf(
    { files: { '/etc/os-release': 'ID="amzn"\nVERSION_ID="2023"\nID_LIKE="fedora"\n' } },
    (root) =>
      writeRpmdbSqlite(join(root, 'var/lib/rpm/rpmdb.sqlite'), [
        {
          name: 'openssl',
          version: '3.0.8',
          release: '1.amzn2023.0.18',
          arch: 'x86_64',
          epoch: 1,
          sourcerpm: 'openssl-3.0.8-1.amzn2023.0.18.src.rpm',
          license: 'ASL 2.0',
        },
        { name: 'bash', version: '5.2.15', release: '1.amzn2023.0.2', arch: 'x86_64' },
        { name: 'gpg-pubkey', version: 'd832f5a8', release: '5e2f8a1c' },
      ]),
  );
  assert.equal(inv.status, 'ok');
  if (inv.status !== 'ok') return;
  assert.equal(inv.manager, 'rpm');
  assert.deepEqual(
    inv.packages.map((p) => [p.name, p.version, p.epoch, p.arch, p.license]),
    [
      ['openssl', '3.0.8-1.amzn2023.0.18', 1, 'x86_64', 'ASL 2.0'],
      ['bash', '5.2.15-1.amzn2023.0.2', undefined, 'x86_64', undefined],
    ],
  );
});

test('a Berkeley DB rpmdb is reported unsupported by name, a corrupt database unreadable, none as none', async () => {
  const bdb = await inventoryOf({
    files: { '/etc/os-release': 'ID=centos\nVERSION_ID=7\n', '/var/lib/rpm/Packages': '\0\0\0\0bdb' },
  });
  assert.equal(bdb.status, 'unreadable');
  assert.match(bdb.status === 'unreadable' ? bdb.reason : '', /Berkeley DB/);
  const corrupt = await inventoryOf({
    files: { '/etc/os-release': 'ID=amzn\nVERSION_ID=2023\n', '/var/lib/rpm/rpmdb.sqlite': 'not a database' },
  });
  assert.equal(corrupt.status, 'unreadable');
  const none = await inventoryOf({ files: { '/etc/os-release': 'ID=debian\nVERSION_ID=12\n' } });
  assert.equal(none.status, 'none');
});
