// The 8 GiB volumes bench/snapshot scans: a GPT disk whose root filesystem fills it, ext4 (Debian
// 12 fixture) or XFS (Amazon Linux 2023 fixture, as AL2023 lays out its root), each with a
// /usr/share/doc of 1,200 package directories so the whole-tree checks have a small real image's
// directory count, spread over the volume as on a root that a running system filled.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GPT_BIOS_BOOT, GPT_EFI, GPT_LINUX, makeXfs } from '../test/helpers/disk-images.ts';
import { layOutDiskTree } from '../test/helpers/fixture-disk-tree.ts';

export const VOLUME_GIB = 8;
const DOC_PACKAGES = 1200;
const TOOL_ENV = { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` };
const EXT4_UUID = '0a1b2c3d-0000-4000-8000-000000000001';
const XFS_UUID = '0a1b2c3d-0000-4000-8000-000000000002';
/** The root partition starts here (after a 2 MiB boot partition) and ends 1 MiB before the disk. */
const ROOT_START_SECTOR = 6144;
const rootSectors = (gib: number): number => (gib * 1024 ** 3) / 512 - ROOT_START_SECTOR - 2048;
const ROOT_SECTORS = rootSectors(VOLUME_GIB);

async function addDocs(tree: string, packages = DOC_PACKAGES): Promise<void> {
  for (let i = 0; i < packages; i++) {
    const dir = join(tree, 'usr/share/doc', `pkg-${i}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'copyright'), `Files: *\nLicense: pkg-${i}\n`);
    await writeFile(join(dir, 'changelog.Debian.gz'), Buffer.alloc(2000 + i, i % 251));
    await writeFile(join(dir, 'README'), `pkg-${i}\n`);
  }
}

function partition(disk: string, bootType: string, rootName: string, gib = VOLUME_GIB): void {
  execFileSync('truncate', ['-s', `${gib}G`, disk]);
  execFileSync('sfdisk', ['-q', '--no-reread', '--no-tell-kernel', disk], {
    input:
      `label: gpt\nunit: sectors\nstart=2048, size=4096, type=${bootType}, name="boot"\n` +
      `start=${ROOT_START_SECTOR}, size=${rootSectors(gib)}, type=${GPT_LINUX}, name="${rootName}"\n`,
    env: TOOL_ENV,
  });
}

/**
 * ext4 with one inode per MiB (128 per block group): the inodes, directories and small files land
 * in block groups 128 MiB apart. mke2fs writes straight into the partition (-E offset): no copy.
 * Tests build a smaller one (fewer GiB and packages, more inodes per group) with the same spread.
 */
export async function buildExt4Volume(
  work: string,
  size: { readonly gib: number; readonly docPackages: number; readonly bytesPerInode: number } = {
    gib: VOLUME_GIB,
    docPackages: DOC_PACKAGES,
    bytesPerInode: 1024 * 1024,
  },
): Promise<string> {
  const tree = join(work, 'ext4-tree');
  await layOutDiskTree('debian12', tree, `UUID=${EXT4_UUID} / ext4 errors=remount-ro 0 1\n`);
  await addDocs(tree, size.docPackages);
  const disk = join(work, 'ext4-disk.img');
  partition(disk, GPT_BIOS_BOOT, 'rootfs', size.gib);
  execFileSync(
    'mke2fs',
    ['-q', '-F', '-t', 'ext4', '-U', EXT4_UUID, '-i', String(size.bytesPerInode)].concat([
      '-E',
      `root_owner=0:0,lazy_itable_init=1,lazy_journal_init=1,offset=${ROOT_START_SECTOR * 512}`,
      '-d',
      tree,
      disk,
      `${(rootSectors(size.gib) * 512) / 1024}k`,
    ]),
    { env: TOOL_ENV },
  );
  return disk;
}

/**
 * XFS with AL2023's 4 KiB sectors and mkfs.xfs's 4 AGs of 2 GiB: XFS puts each new directory's inodes in
 * another AG, so inode chunks and directory blocks lie in all of them. mkfs.xfs cannot write at an
 * offset: the filesystem is made in its own sparse file and copied in with dd, holes skipped.
 */
export async function buildXfsVolume(work: string): Promise<string> {
  const tree = join(work, 'xfs-tree');
  await layOutDiskTree('al2023', tree, `UUID=${XFS_UUID} / xfs defaults,noatime 1 1\n`);
  await addDocs(tree);
  const part = join(work, 'xfs-root.img');
  await makeXfs(tree, part, { sizeMiB: (ROOT_SECTORS * 512) / 1024 ** 2, uuid: XFS_UUID, sectorSize: 4096 });
  const disk = join(work, 'xfs-disk.img');
  partition(disk, GPT_EFI, 'ROOT');
  execFileSync('dd', [
    `if=${part}`,
    `of=${disk}`,
    'bs=1M',
    `seek=${(ROOT_START_SECTOR * 512) / 1024 ** 2}`,
    'conv=sparse,notrunc',
    'status=none',
  ]);
  return disk;
}
