import { AmwError } from '../../errors.ts';
import type { BlockDevice } from './block-device.ts';
import { checkRange } from './block-device.ts';
import type { LvmSection } from './lvm-text.ts';
import { isSection, parseLvmText } from './lvm-text.ts';

export interface PhysicalVolume {
  readonly uuid: string;
  readonly metadata: string;
  readonly device: BlockDevice;
}

export interface LogicalVolume {
  readonly vg: string;
  readonly name: string;
  readonly device: BlockDevice;
}

interface Segment {
  readonly start: number;
  readonly length: number;
  readonly device: BlockDevice;
  readonly devOffset: number;
}

const MAX_SEGMENTS = 4096;

/** A linear logical volume: consecutive segments, each a run of extents on some PV. */
export class ConcatDevice implements BlockDevice {
  constructor(
    readonly label: string,
    readonly size: number,
    private readonly segments: readonly Segment[],
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, length);
    const parts: Promise<Buffer>[] = [];
    let pos = offset;
    const end = offset + length;
    for (const s of this.segments) {
      if (pos >= end) break;
      if (pos >= s.start + s.length || end <= s.start) continue;
      const take = Math.min(end, s.start + s.length) - pos;
      parts.push(s.device.read(s.devOffset + (pos - s.start), take));
      pos += take;
    }
    if (pos < end) throw new AmwError('AMW_DISK_BAD_LVM', `${this.label}: no segment maps byte ${pos}`);
    const bufs = await Promise.all(parts);
    return bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs);
  }
}

/** Builds every linear LV of the volume groups whose PVs were found. */
export function assembleLvs(pvs: readonly PhysicalVolume[]): LogicalVolume[] {
  const byUuid = new Map(pvs.map((p) => [p.uuid, p]));
  const vgs = new Map<string, { section: LvmSection; seqno: number; label: string }>();
  for (const pv of pvs) {
    const top = parseLvmText(pv.metadata, pv.device.label);
    for (const [name, v] of Object.entries(top)) {
      if (!isSection(v)) continue;
      const seqno = typeof v['seqno'] === 'number' ? v['seqno'] : 0;
      const known = vgs.get(name);
      if (!known || known.seqno < seqno) vgs.set(name, { section: v, seqno, label: pv.device.label });
    }
  }
  const out: LogicalVolume[] = [];
  for (const [vgName, { section: vg, label }] of vgs) {
    const bad = (why: string): never => {
      throw new AmwError('AMW_DISK_BAD_LVM', `${label}: volume group ${vgName}: ${why}`);
    };
    const extentSectors = vg['extent_size'];
    if (typeof extentSectors !== 'number' || !Number.isSafeInteger(extentSectors) || extentSectors <= 0) {
      bad('extent_size is missing or invalid');
    }
    const extentBytes = (extentSectors as number) * 512;
    const pvSecs = vg['physical_volumes'];
    const pvDevs = new Map<string, { device: BlockDevice; peStart: number }>();
    if (isSection(pvSecs)) {
      for (const [pvName, p] of Object.entries(pvSecs)) {
        if (!isSection(p) || typeof p['id'] !== 'string') continue;
        const found = byUuid.get(p['id'].replace(/-/g, ''));
        const peStart = p['pe_start'];
        if (found && typeof peStart === 'number')
          pvDevs.set(pvName, { device: found.device, peStart: peStart * 512 });
      }
    }
    const lvs = vg['logical_volumes'];
    if (!isSection(lvs)) continue;
    for (const [lvName, lv] of Object.entries(lvs)) {
      if (!isSection(lv)) continue;
      const count = lv['segment_count'];
      if (typeof count !== 'number' || count < 1 || count > MAX_SEGMENTS) bad(`LV ${lvName}: segment_count`);
      const segments: Segment[] = [];
      let missing = false;
      for (let i = 1; i <= (count as number); i++) {
        const seg = lv[`segment${i}`];
        if (!isSection(seg)) bad(`LV ${lvName}: segment${i} is missing`);
        const s = seg as LvmSection;
        const type = s['type'];
        const stripes = s['stripes'];
        if ((type !== 'striped' && type !== 'linear') || (s['stripe_count'] ?? 1) !== 1) {
          throw new AmwError(
            'AMW_DISK_BAD_LVM',
            `${label}: LV ${lvName}: only linear segments are supported`,
          );
        }
        const start = s['start_extent'];
        const n = s['extent_count'];
        if (!Array.isArray(stripes) || typeof stripes[0] !== 'string' || typeof stripes[1] !== 'number') {
          bad(`LV ${lvName}: segment${i} has no stripe`);
        }
        if (typeof start !== 'number' || typeof n !== 'number' || n <= 0)
          bad(`LV ${lvName}: segment${i} extents`);
        const pv = pvDevs.get((stripes as LvmValueArray)[0] as string);
        if (!pv) {
          missing = true;
          break;
        }
        const devOffset = pv.peStart + ((stripes as LvmValueArray)[1] as number) * extentBytes;
        const length = (n as number) * extentBytes;
        if (devOffset + length > pv.device.size) bad(`LV ${lvName}: segment${i} lies beyond its PV`);
        segments.push({ start: (start as number) * extentBytes, length, device: pv.device, devOffset });
      }
      if (missing) continue; // a PV of this LV is not on this disk
      segments.sort((a, b) => a.start - b.start);
      let size = 0;
      for (const s of segments) {
        if (s.start !== size) bad(`LV ${lvName}: segments leave a gap at extent ${size / extentBytes}`);
        size += s.length;
      }
      out.push({
        vg: vgName,
        name: lvName,
        device: new ConcatDevice(`${label}#${vgName}/${lvName}`, size, segments),
      });
    }
  }
  return out;
}

type LvmValueArray = readonly unknown[];
