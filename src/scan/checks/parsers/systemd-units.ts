import type { CheckContext } from '../template.ts';
import { expandGlob, lstatOrNull } from './files.ts';

/**
 * Unit enablement read from the filesystem the way `systemctl is-enabled` decides it for the
 * cases an image can show: a symlink in some *.wants/ or *.requires/ directory means enabled, a
 * unit file in /etc (or /run) linked to /dev/null means masked. Vendor presets are not applied:
 * an image built without running `systemctl preset` has only the links its packages made.
 */
export const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
];
export const UNIT_READS = UNIT_DIRS.flatMap((d) => [`${d}/*`, `${d}/*/*`]);

export interface UnitState {
  readonly enabled: boolean;
  readonly masked: boolean;
  /** A unit file exists in one of the unit directories. */
  readonly present: boolean;
  /** Where the enabling link or the mask was found. */
  readonly evidence?: string;
}

export const unitName = (u: string): string => (/\.[a-z]+$/.test(u) ? u : `${u}.service`);

export async function unitState(ctx: CheckContext, unit: string): Promise<UnitState> {
  const name = unitName(unit);
  return ctx.memo(`unit:${name}`, async () => {
    for (const d of UNIT_DIRS.slice(0, 2)) {
      const p = `${d}/${name}`;
      const st = await lstatOrNull(ctx.vfs, p);
      if (st?.type === 'symlink' && (await ctx.vfs.readlink(p)) === '/dev/null')
        return { enabled: false, masked: true, present: true, evidence: `${p} -> /dev/null` };
    }
    let present = false;
    for (const d of UNIT_DIRS) if (await lstatOrNull(ctx.vfs, `${d}/${name}`)) present = true;
    for (const d of UNIT_DIRS) {
      const links = [
        ...(await expandGlob(ctx.vfs, `${d}/*.wants/${name}`)),
        ...(await expandGlob(ctx.vfs, `${d}/*.requires/${name}`)),
      ];
      if (links.length) return { enabled: true, masked: false, present: true, evidence: links[0]! };
    }
    return { enabled: false, masked: false, present };
  });
}
