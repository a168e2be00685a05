import type { FileType, VfsStat } from '../vfs/vfs.ts';

/** One directory record as stored on disk ("." and ".." are left out). */
export interface InodeDirEntry {
  readonly name: string;
  readonly ino: number;
  readonly type: FileType;
}

/**
 * What a filesystem reader offers to the path layer: inode-level access only. Path walking,
 * symlinks and mount points live once, in TreeVfs, for every filesystem.
 */
export interface InodeFs {
  readonly kind: 'ext4' | 'xfs';
  readonly label: string;
  readonly rootIno: number;
  /** Filesystem UUID (lowercase, dashed) and volume label, for fstab's UUID= and LABEL=. */
  readonly uuid: string;
  readonly volumeLabel: string;
  stat(ino: number): Promise<VfsStat>;
  listDir(ino: number): Promise<InodeDirEntry[]>;
  /** At most `maxBytes` of the file's content (holes and unwritten extents read as zeros). */
  readData(ino: number, maxBytes: number): Promise<Buffer>;
  readLink(ino: number): Promise<string>;
  /**
   * Optional: reads ahead the on-disk inodes in use, many ranges at once (at most `maxBytes`), for a
   * walk that is about to stat every entry. Returns the bytes asked for.
   */
  prefetchInodeTables?(maxBytes: number): Promise<number>;
}

export function fileTypeFromMode(mode: number): FileType {
  switch (mode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'dir';
    case 0o120000:
      return 'symlink';
    case 0o020000:
      return 'chardev';
    case 0o060000:
      return 'blockdev';
    case 0o010000:
      return 'fifo';
    case 0o140000:
      return 'socket';
    default:
      return 'unknown';
  }
}

/** Directory-entry type codes shared by ext4 (file_type) and XFS (ftype). */
export function fileTypeFromDirCode(code: number): FileType {
  const types: FileType[] = ['unknown', 'file', 'dir', 'chardev', 'blockdev', 'fifo', 'socket', 'symlink'];
  return types[code] ?? 'unknown';
}

/** Upper bound for symlink targets (PATH_MAX); longer ones are corrupt. */
export const MAX_LINK_BYTES = 4096;
/** Upper bound for one directory's entries; more means a corrupt size field. */
export const MAX_DIR_ENTRIES = 1_000_000;
