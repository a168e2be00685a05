export interface FstabEntry {
  readonly spec: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly line: number;
}

/** fstab escapes blanks in fields as octal (\040). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** The entries that place a local filesystem in the tree (swap, pseudo and network ones are left out). */
export function parseFstab(text: string): FstabEntry[] {
  const out: FstabEntry[] = [];
  const skipTypes = new Set([
    'swap',
    'proc',
    'sysfs',
    'tmpfs',
    'devpts',
    'nfs',
    'nfs4',
    'cifs',
    'none',
    'devtmpfs',
  ]);
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const [spec, file, type] = line.split(/\s+/);
    if (!spec || !file || !file.startsWith('/')) return;
    if (type && skipTypes.has(type)) return;
    out.push({ spec: unescape(spec), mountPoint: unescape(file), fsType: type ?? 'auto', line: i + 1 });
  });
  return out;
}
