/** A tiny XML writer for the query protocols: objects become elements, arrays become item lists. */
export type XmlValue = string | number | boolean | undefined | null | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

/** Serialises `value` as `<name>…</name>`; list entries are wrapped in `itemTag` (`item` for EC2, `member` for awsQuery). */
export function toXml(name: string, value: XmlValue, itemTag: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return `<${name}/>`;
    return `<${name}>${value.map((v) => toXml(itemTag, v, itemTag)).join('')}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${body(value, itemTag)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function body(obj: XmlObject, itemTag: string): string {
  let out = '';
  for (const [k, v] of Object.entries(obj)) out += toXml(k, v, itemTag);
  return out;
}

/** EC2 tag sets: `<tagSet><item><key/><value/></item></tagSet>`. */
export function ec2Tags(tags: ReadonlyMap<string, string>): XmlObject[] {
  return [...tags].map(([key, value]) => ({ key, value }));
}
