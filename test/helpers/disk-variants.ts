import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layOutDiskTree, splitOff } from './fixture-disk-tree.ts';
import { GPT_BIOS_BOOT, GPT_EFI, GPT_LINUX, GPT_LVM, makeDisk, makeExt4, makeXfs } from './disk-images.ts';
import { makeLvmPv } from './lvm-writer.ts';

export const VARIANTS = [
  'ext4-gpt',
  'xfs-gpt-4k',
  'mbr-logical',
  'var-partition',
  'lvm',
  'bare-ext3',
  'bare-ext4-inline',
] as const;
export type Variant = (typeof VARIANTS)[number];

export interface BuiltVariant {
  /** The raw disk image. */
  disk: string;
  /** The whole tree the image should show (root plus every mounted filesystem). */
  tree: string;
  /** ext filesystems keep mtimes; XFS protofiles do not. */
  mtimes: boolean;
}

const U = (n: number): string => `0a1b2c3d-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Builds one test disk layout from a rootfs fixture in `work` (a fresh directory). */
export async function buildVariant(v: Variant, work: string): Promise<BuiltVariant> {
  await mkdir(work, { recursive: true });
  const tree = join(work, 'tree');
  const part = (name: string): string => join(work, name);
  const disk = join(work, 'disk.img');
  switch (v) {
    case 'ext4-gpt': {
      await layOutDiskTree('debian12', tree, `UUID=${U(1)} / ext4 errors=remount-ro 0 1\n`);
      await makeExt4(tree, part('root.img'), { sizeMiB: 64, uuid: U(1), index: true });
      await makeDisk(disk, 'gpt', [
        { sizeMiB: 1, type: GPT_BIOS_BOOT, name: 'bios' },
        { sizeMiB: 64, type: GPT_LINUX, name: 'rootfs', image: part('root.img') },
      ]);
      return { disk, tree, mtimes: true };
    }
    case 'xfs-gpt-4k': {
      await layOutDiskTree('al2023', tree, `UUID=${U(2)} / xfs defaults,noatime 1 1\n`);
      await makeXfs(tree, part('root.img'), { sizeMiB: 128, uuid: U(2), sectorSize: 4096 });
      await makeDisk(disk, 'gpt', [
        { sizeMiB: 2, type: GPT_EFI, name: 'EFI System Partition' },
        { sizeMiB: 128, type: GPT_LINUX, name: 'ROOT', image: part('root.img') },
      ]);
      return { disk, tree, mtimes: false };
    }
    case 'mbr-logical': {
      await layOutDiskTree(
        'debian12',
        tree,
        `/dev/xvda5 / xfs defaults 0 1\nUUID=${U(3)} /boot ext2 defaults 0 2\n`,
      );
      await mkdir(join(tree, 'boot/grub'), { recursive: true });
      await writeFile(join(tree, 'boot/grub/grub.cfg'), 'set timeout=1\n');
      await writeFile(join(tree, 'boot/vmlinuz-6.1.0'), Buffer.alloc(300 * 1024, 'kernel'));
      await splitOff(tree, 'boot', part('boot-tree'));
      await makeExt4(part('boot-tree'), part('boot.img'), {
        sizeMiB: 16,
        uuid: U(3),
        type: 'ext2',
        blockSize: 1024,
      });
      await makeXfs(tree, part('root.img'), { sizeMiB: 128, uuid: U(4) });
      await makeDisk(disk, 'dos', [
        { sizeMiB: 16, type: '83', image: part('boot.img') },
        { sizeMiB: 128, type: '83', image: part('root.img'), logical: true },
      ]);
      await restore(part('boot-tree'), tree, 'boot');
      return { disk, tree, mtimes: false };
    }
    case 'var-partition': {
      await layOutDiskTree(
        'ubuntu2204',
        tree,
        `LABEL=cloudimg-rootfs / ext4 defaults 0 1\nLABEL=varfs /var xfs defaults 0 2\n`,
      );
      await splitOff(tree, 'var', part('var-tree'));
      await makeExt4(tree, part('root.img'), { sizeMiB: 48, uuid: U(5), label: 'cloudimg-rootfs' });
      await makeXfs(part('var-tree'), part('var.img'), { sizeMiB: 128, uuid: U(6), label: 'varfs' });
      await makeDisk(disk, 'gpt', [
        { sizeMiB: 48, type: GPT_LINUX, name: 'root', image: part('root.img') },
        { sizeMiB: 128, type: GPT_LINUX, name: 'var', image: part('var.img') },
      ]);
      await restore(part('var-tree'), tree, 'var');
      return { disk, tree, mtimes: false };
    }
    case 'lvm': {
      await layOutDiskTree(
        'al2023',
        tree,
        `/dev/mapper/vg0-root / xfs defaults 0 0\n/dev/vg0/home /home ext4 defaults 0 2\n`,
      );
      await mkdir(join(tree, 'home/ec2-user'), { recursive: true });
      await writeFile(join(tree, 'home/ec2-user/.bashrc'), 'export PS1=x\n');
      await splitOff(tree, 'home', part('home-tree'));
      await makeXfs(tree, part('root.img'), { sizeMiB: 128, uuid: U(7) });
      await makeExt4(part('home-tree'), part('home.img'), { sizeMiB: 16, uuid: U(8) });
      // root is split in two segments around home's extents: a linear LV with a jump.
      await makeLvmPv(part('pv.img'), 200, 'vg0', [
        {
          name: 'root',
          image: part('root.img'),
          segments: [
            { startExtent: 0, count: 12, pvExtent: 0 },
            { startExtent: 12, count: 20, pvExtent: 16 },
          ],
        },
        { name: 'home', image: part('home.img'), segments: [{ startExtent: 0, count: 4, pvExtent: 12 }] },
      ]);
      await makeDisk(disk, 'gpt', [
        { sizeMiB: 1, type: GPT_EFI, name: 'EFI' },
        { sizeMiB: 200, type: GPT_LVM, name: 'lvm', image: part('pv.img') },
      ]);
      await restore(part('home-tree'), tree, 'home');
      return { disk, tree, mtimes: false };
    }
    case 'bare-ext3': {
      await layOutDiskTree('debian12', tree, `UUID=${U(9)} / ext3 defaults 0 1\n`);
      await makeExt4(tree, disk, { sizeMiB: 64, uuid: U(9), type: 'ext3', blockSize: 1024 });
      return { disk, tree, mtimes: true };
    }
    case 'bare-ext4-inline': {
      await layOutDiskTree('ubuntu2404', tree, `UUID=${U(10)} / ext4 defaults 0 1\n`);
      await makeExt4(tree, disk, { sizeMiB: 64, uuid: U(10), features: 'inline_data,64bit,metadata_csum' });
      return { disk, tree, mtimes: true };
    }
  }
}

/** Puts a split-off subtree back so `tree` is the whole expected view again. */
async function restore(from: string, tree: string, sub: string): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  execFileSync('cp', ['-a', from + '/.', join(tree, sub)]);
}
