import { XMLParser } from 'fast-xml-parser';
import { AmwError, messageOf } from '../../errors.ts';
import { isoDay, normaliseSeverity } from '../model.ts';
import type { AdvisoryRow } from '../model.ts';
import { defineAdvisorySource } from './define.ts';

/**
 * A yum repository's updateinfo.xml (Amazon Linux ALAS): <updates><update type="security">
 * with <id>, <issued date>, <severity>, <references><reference type="cve" id>, and
 * <pkglist><collection><package name epoch version release arch>.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['update', 'reference', 'collection', 'package'].includes(name),
});

type Node = Record<string, unknown>;

function asNodes(v: unknown): Node[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Node[]) : [];
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null && typeof (v as Node)['#text'] === 'string')
    return ((v as Node)['#text'] as string).trim();
  return undefined;
}

function attr(node: unknown, name: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const v = (node as Node)[`@${name}`];
  return v === undefined ? undefined : String(v);
}

/** rpm EVR as the matcher reads it: epoch only when non-zero. */
function evr(p: Node): string | undefined {
  const version = attr(p, 'version');
  const release = attr(p, 'release');
  if (!version) return undefined;
  const epoch = attr(p, 'epoch');
  const head = epoch && epoch !== '0' ? `${epoch}:` : '';
  return release ? `${head}${version}-${release}` : `${head}${version}`;
}

export const source = defineAdvisorySource({
  kind: 'alas',
  description: 'Amazon Linux 2023 repository updateinfo.xml (ALAS ids, CVEs, fixed versions, severity)',
  parse(xml, ctx) {
    let doc: Node;
    try {
      doc = parser.parse(xml) as Node;
    } catch (err) {
      throw new AmwError('AMW_ADVISORY_SOURCE', `${ctx.location}: not XML: ${messageOf(err)}`, {
        cause: err,
      });
    }
    const updates = doc.updates as Node | undefined;
    if (!updates || typeof updates !== 'object')
      throw new AmwError('AMW_ADVISORY_SOURCE', `${ctx.location}: no <updates> element`);
    const release = ctx.release ?? '2023';
    const rows: AdvisoryRow[] = [];
    for (const u of asNodes(updates.update)) {
      if (attr(u, 'type') !== 'security') continue;
      const id = text(u.id);
      if (!id) continue;
      const refs = asNodes((u.references as Node | undefined)?.reference);
      const cves = [...new Set(refs.filter((r) => attr(r, 'type') === 'cve').map((r) => attr(r, 'id') ?? ''))]
        .filter((c) => c !== '')
        .sort();
      const fixDate = isoDay(attr(u.issued, 'date'));
      const severity = normaliseSeverity(text(u.severity));
      const seen = new Set<string>();
      for (const coll of asNodes((u.pkglist as Node | undefined)?.collection)) {
        for (const p of asNodes(coll.package)) {
          const name = attr(p, 'name');
          const arch = attr(p, 'arch') ?? '';
          const fixed = evr(p);
          if (!name || !fixed || arch === 'src') continue;
          const key = `${name}/${arch}`;
          if (seen.has(key)) continue;
          seen.add(key);
          rows.push({
            source: 'alas',
            advisoryId: id,
            cves,
            distro: 'amzn',
            release,
            packageName: name,
            packageKind: 'binary',
            arch,
            status: 'fixed',
            fixedVersion: fixed,
            affectedFrom: null,
            severity,
            fixDate,
          });
        }
      }
    }
    return rows;
  },
});
