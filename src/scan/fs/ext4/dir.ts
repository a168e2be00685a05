import type { InodeDirEntry } from '../inode-fs.ts';
import { MAX_DIR_ENTRIES, fileTypeFromDirCode } from '../inode-fs.ts';
import { corrupt } from '../fs-util.ts';

export interface DirParseContext {
  readonly label: string;
  readonly ino: number;
  readonly hasFileType: boolean;
  readonly inodesCount: number;
  readonly blockSize: number;
}

/**
 * Appends the live records of one directory block (or inline area) to `out`. Hashed (htree)
 * directories need no special case: their index blocks look like one empty record.
 */
export function parseDirBlock(ctx: DirParseContext, b: Buffer, out: InodeDirEntry[]): void {
  let pos = 0;
  while (pos + 8 <= b.length) {
    const ino = b.readUInt32LE(pos);
    let recLen = b.readUInt16LE(pos + 4);
    if (ctx.blockSize >= 65536 && (recLen === 65535 || recLen === 0)) recLen = 65536;
    const nameLen = ctx.hasFileType ? b[pos + 6]! : b.readUInt16LE(pos + 6);
    if (recLen < 8 || recLen % 4 !== 0 || pos + recLen > b.length) {
      throw corrupt(ctx.label, `directory inode ${ctx.ino}: bad record length ${recLen} at ${pos}`);
    }
    if (ino !== 0 && nameLen > 0) {
      if (8 + nameLen > recLen)
        throw corrupt(ctx.label, `directory inode ${ctx.ino}: name overruns its record`);
      if (ino > ctx.inodesCount)
        throw corrupt(ctx.label, `directory inode ${ctx.ino}: entry names inode ${ino}`);
      const name = b.toString('utf8', pos + 8, pos + 8 + nameLen);
      if (out.length >= MAX_DIR_ENTRIES) throw corrupt(ctx.label, `directory inode ${ctx.ino} is too large`);
      out.push({ name, ino, type: ctx.hasFileType ? fileTypeFromDirCode(b[pos + 7]!) : 'unknown' });
    }
    pos += recLen;
  }
}
