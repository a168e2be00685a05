/**
 * The read-only view of an image's files that every scan source provides (a directory, an
 * ext4 or XFS filesystem inside a disk file, an EBS snapshot). Paths are absolute inside the
 * image ("/etc/shadow"); symlinks resolve inside the image root, never on the host.
 */
export type FileType = 'file' | 'dir' | 'symlink' | 'chardev' | 'blockdev' | 'fifo' | 'socket' | 'unknown';

export interface VfsStat {
  readonly type: FileType;
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly nlink: number;
  /** Inode number (or a stable per-source id); lets walkers detect hard links and loops. */
  readonly ino: number;
}

export interface VfsDirEntry {
  readonly name: string;
  /** The entry's type when the directory record says so, otherwise 'unknown' (call lstat). */
  readonly type: FileType;
}

export interface ReadFileOptions {
  /** Read at most this many bytes; larger files are truncated and `truncated` is set. */
  readonly maxBytes?: number;
}

export interface Vfs {
  /** A label for reports: "dir:/srv/root", "file:disk.img#p2", "ebs:snap-…". */
  readonly label: string;
  lstat(path: string): Promise<VfsStat>;
  /** Follows symlinks inside the image root (bounded hops; a loop throws ELOOP). */
  stat(path: string): Promise<VfsStat>;
  readdir(path: string): Promise<VfsDirEntry[]>;
  readlink(path: string): Promise<string>;
  readFile(path: string, options?: ReadFileOptions): Promise<Buffer>;
  /**
   * Optional hint before the checks run: every glob the selected checks declared (see
   * ReadDeclaration). A source that pays per block (an EBS snapshot) fetches those blocks in parallel.
   */
  prefetch?(globs: readonly string[]): Promise<void>;
  close?(): Promise<void>;
}

/** Errors carry a POSIX-style code so callers can tell "absent" from "unreadable". */
export type VfsErrorCode =
  'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'ELOOP' | 'EACCES' | 'EIO' | 'EINVAL' | 'EOUTSIDE';

export class VfsError extends Error {
  constructor(
    readonly code: VfsErrorCode,
    readonly path: string,
    message?: string,
  ) {
    super(message ?? `${code}: ${path}`);
    this.name = 'VfsError';
  }
}

export function isVfsError(err: unknown, code?: VfsErrorCode): err is VfsError {
  return err instanceof VfsError && (code === undefined || err.code === code);
}

/** Joins and normalises an in-image path; ".." never climbs above "/". */
export function normalizeImagePath(...parts: string[]): string {
  const out: string[] = [];
  for (const part of parts.join('/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}
