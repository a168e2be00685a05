import type { CheckContext } from '../template.ts';
import type { Finding } from '../verdict.ts';
import type { VfsStat } from '../../vfs/vfs.ts';
import { groupName, readAccounts, userName } from './accounts-db.ts';
import { octal } from './files.ts';

/** Who may own a file and how open it may be; owners and groups are names looked up in the image. */
export interface PermSpec {
  readonly maxMode: number;
  readonly owners: readonly string[];
  readonly groups: readonly string[];
}

/** Compares one file's metadata with a spec; uid/gid 0 count as root even without a passwd file. */
export async function permFindings(
  ctx: CheckContext,
  path: string,
  st: VfsStat,
  spec: PermSpec,
): Promise<Finding[]> {
  const db = await readAccounts(ctx);
  const out: Finding[] = [];
  const extra = st.mode & 0o7777 & ~spec.maxMode;
  if (extra)
    out.push({
      message: `${path} has mode ${octal(st.mode)}, more permissive than ${octal(spec.maxMode)}`,
      path,
      actual: octal(st.mode),
      expected: `<= ${octal(spec.maxMode)}`,
    });
  const owner = userName(db, st.uid) ?? (st.uid === 0 ? 'root' : String(st.uid));
  if (!spec.owners.includes(owner))
    out.push({
      message: `${path} is owned by ${owner}, expected ${spec.owners.join(' or ')}`,
      path,
      actual: owner,
      expected: spec.owners.join('|'),
    });
  const group = groupName(db, st.gid) ?? (st.gid === 0 ? 'root' : String(st.gid));
  if (!spec.groups.includes(group))
    out.push({
      message: `${path} has group ${group}, expected ${spec.groups.join(' or ')}`,
      path,
      actual: group,
      expected: spec.groups.join('|'),
    });
  return out;
}

export const parseMode = (m: string): number => parseInt(m, 8);
