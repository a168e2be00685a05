/** Parsers for the image's own account databases; ownership and home directories come from these, never the host. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
  readonly line: number;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
  readonly line: number;
}

export interface ShadowEntry {
  readonly name: string;
  /** The hash field as written ("!", "*", "$6$...", "" for no password). */
  readonly password: string;
  /** Days since the epoch; undefined when the field is empty. */
  readonly lastChange?: number;
  readonly minDays?: number;
  readonly maxDays?: number;
  readonly warnDays?: number;
  readonly inactiveDays?: number;
  readonly expire?: number;
  readonly line: number;
}

function records(text: string): Array<{ fields: string[]; line: number }> {
  const out: Array<{ fields: string[]; line: number }> = [];
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    out.push({ fields: raw.split(':'), line: i + 1 });
  });
  return out;
}

const int = (s: string | undefined): number | undefined =>
  s === undefined || s.trim() === '' || !/^-?\d+$/.test(s.trim()) ? undefined : Number(s);

export function parsePasswd(text: string): PasswdEntry[] {
  return records(text)
    .filter((r) => r.fields.length >= 7 && int(r.fields[2]) !== undefined)
    .map(({ fields, line }) => ({
      name: fields[0]!,
      uid: int(fields[2])!,
      gid: int(fields[3]) ?? -1,
      home: fields[5] ?? '',
      shell: fields[6] ?? '',
      line,
    }));
}

export function parseGroup(text: string): GroupEntry[] {
  return records(text)
    .filter((r) => r.fields.length >= 3 && int(r.fields[2]) !== undefined)
    .map(({ fields, line }) => ({
      name: fields[0]!,
      gid: int(fields[2])!,
      members: (fields[3] ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
      line,
    }));
}

export function parseShadow(text: string): ShadowEntry[] {
  return records(text)
    .filter((r) => r.fields.length >= 2)
    .map(({ fields, line }) => ({
      name: fields[0]!,
      password: fields[1] ?? '',
      lastChange: int(fields[2]),
      minDays: int(fields[3]),
      maxDays: int(fields[4]),
      warnDays: int(fields[5]),
      inactiveDays: int(fields[6]),
      expire: int(fields[7]),
      line,
    }));
}
