import { execFileSync } from 'node:child_process';
import { chown, chmod, mkdir, open, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GPT_LINUX, convertImage, makeDisk, makeExt4, makeXfs } from './disk-images.ts';
import { makeLvmPv } from './lvm-writer.ts';

async function smallRoot(root: string, fstab: string): Promise<void> {
  await mkdir(join(root, 'etc/dir'), { recursive: true });
  await mkdir(join(root, 'usr/lib'), { recursive: true });
  await writeFile(join(root, 'usr/lib/os-release'), 'ID=fuzz\nVERSION_ID=1\n');
  await symlink('../usr/lib/os-release', join(root, 'etc/os-release'));
  await writeFile(join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n');
  await chmod(join(root, 'etc/shadow'), 0o640);
  await chown(join(root, 'etc/shadow'), 0, 42);
  await writeFile(join(root, 'etc/fstab'), fstab);
  await symlink('/usr/lib/' + 'long/'.repeat(16) + 'x', join(root, 'etc/long-link'));
  await symlink('loop-b', join(root, 'etc/loop-a'));
  await symlink('loop-a', join(root, 'etc/loop-b'));
  for (let i = 0; i < 150; i++) await writeFile(join(root, `etc/dir/entry-${i}`), `${i}\n`);
  const fh = await open(join(root, 'usr/sparse'), 'w');
  for (let i = 0; i < 12; i++) await fh.write(Buffer.alloc(1024, `s${i}`), 0, 1024, i * 64 * 1024);
  await fh.close();
}

async function varTree(dir: string): Promise<void> {
  const make = async (name: string, n: number): Promise<void> => {
    await mkdir(join(dir, name), { recursive: true });
    for (let i = 0; i < n; i++) await writeFile(join(dir, name, `${name}-entry-number-${i}`), 'v');
  };
  await make('sf', 3);
  await make('blk', 30);
  await make('leaf', 200);
  await make('node', 700);
}

/**
 * Two small disks for the mutation loop, together covering every structure: GPT + ext4 (htree,
 * extent tree) + an XFS /var in all directory forms; MBR + extended + ext2 /boot (block maps) +
 * an LVM PV whose root LV (XFS, two segments) holds the os-release.
 */
export async function buildFuzzImages(work: string): Promise<{ gpt: Buffer; mbrLvm: Buffer }> {
  const p = (n: string): string => join(work, n);
  await smallRoot(p('a-root'), 'LABEL=fzvar /var xfs defaults 0 2\n');
  await makeExt4(p('a-root'), p('a-root.img'), {
    sizeMiB: 8,
    uuid: '0a1b2c3d-0000-4000-8000-00000000f001',
    index: true,
  });
  await varTree(p('a-var'));
  await makeXfs(p('a-var'), p('a-var.img'), {
    sizeMiB: 16,
    uuid: '0a1b2c3d-0000-4000-8000-00000000f002',
    label: 'fzvar',
  });
  await makeDisk(p('a.img'), 'gpt', [
    { sizeMiB: 8, type: GPT_LINUX, name: 'r', image: p('a-root.img') },
    { sizeMiB: 16, type: GPT_LINUX, name: 'v', image: p('a-var.img') },
  ]);

  await smallRoot(p('b-root'), '/dev/vg0/root / xfs defaults 0 0\n/dev/sda1 /boot ext2 defaults 0 2\n');
  await varTree(p('b-root/var'));
  await mkdir(p('b-boot'));
  await writeFile(p('b-boot/vmlinuz'), Buffer.alloc(400 * 1024, 'k'));
  await makeExt4(p('b-boot'), p('b-boot.img'), {
    sizeMiB: 2,
    uuid: '0a1b2c3d-0000-4000-8000-00000000f003',
    type: 'ext2',
    blockSize: 1024,
  });
  await makeXfs(p('b-root'), p('b-root.img'), { sizeMiB: 16, uuid: '0a1b2c3d-0000-4000-8000-00000000f004' });
  await makeLvmPv(p('b-pv.img'), 20, 'vg0', [
    {
      name: 'root',
      image: p('b-root.img'),
      segments: [
        { startExtent: 0, count: 2, pvExtent: 2 },
        { startExtent: 2, count: 2, pvExtent: 0 },
      ],
    },
  ]);
  await makeDisk(p('b.img'), 'dos', [
    { sizeMiB: 2, type: '83', image: p('b-boot.img') },
    { sizeMiB: 20, type: '8e', image: p('b-pv.img'), logical: true },
  ]);
  execFileSync('sync');
  return { gpt: await readFile(p('a.img')), mbrLvm: await readFile(p('b.img')) };
}

/**
 * The two fuzz disks in the formats that carry tables of their own, for mutating those tables:
 * the GPT disk as a zlib-compressed qcow2 (4 KiB clusters: many L2 entries and compressed
 * clusters), the MBR + LVM disk as a streamOptimized VMDK. Call after `buildFuzzImages(work)`.
 */
export async function buildFuzzFormatImages(work: string): Promise<{ gptQcow2: Buffer; mbrLvmVmdk: Buffer }> {
  const p = (n: string): string => join(work, n);
  convertImage(p('a.img'), p('a.qcow2'), 'qcow2', { compress: true, options: 'cluster_size=4096' });
  convertImage(p('b.img'), p('b.vmdk'), 'vmdk', { options: 'subformat=streamOptimized' });
  return { gptQcow2: await readFile(p('a.qcow2')), mbrLvmVmdk: await readFile(p('b.vmdk')) };
}
