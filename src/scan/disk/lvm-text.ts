import { AmwError } from '../../errors.ts';

/** A value of LVM2's text metadata: sections nest, arrays hold strings and numbers. */
export type LvmValue = string | number | LvmValue[] | LvmSection;
export interface LvmSection {
  [key: string]: LvmValue;
}

const MAX_DEPTH = 16;
const MAX_TEXT = 4 * 1024 * 1024;

/**
 * Parses the text format LVM2 keeps in its metadata area (`name { key = value ... }`, with
 * strings, integers, arrays and `#` comments).
 */
export function parseLvmText(text: string, label: string): LvmSection {
  const bad = (why: string): never => {
    throw new AmwError('AMW_DISK_BAD_LVM', `${label}: LVM metadata: ${why}`);
  };
  if (text.length > MAX_TEXT) bad('metadata text is too large');
  let pos = 0;
  const skip = (): void => {
    while (pos < text.length) {
      const c = text[pos]!;
      if (c === '#') {
        while (pos < text.length && text[pos] !== '\n') pos++;
      } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\0') pos++;
      else break;
    }
  };
  const ident = (): string => {
    const m = /^[A-Za-z0-9_.+-]+/.exec(text.slice(pos, pos + 256));
    if (!m) bad(`expected a name at offset ${pos}`);
    pos += m![0].length;
    return m![0];
  };
  const scalar = (): string | number => {
    skip();
    if (text[pos] === '"') {
      let out = '';
      pos++;
      while (pos < text.length && text[pos] !== '"') {
        if (text[pos] === '\\') pos++;
        out += text[pos] ?? '';
        pos++;
      }
      if (pos >= text.length) bad('unterminated string');
      pos++;
      return out;
    }
    const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(pos, pos + 32));
    if (!m) bad(`expected a value at offset ${pos}`);
    pos += m![0].length;
    return Number(m![0]);
  };
  const value = (): LvmValue => {
    skip();
    if (text[pos] !== '[') return scalar();
    pos++;
    const arr: LvmValue[] = [];
    for (;;) {
      skip();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      if (pos >= text.length) bad('unterminated array');
      arr.push(scalar());
      skip();
      if (text[pos] === ',') pos++;
    }
  };
  const section = (depth: number, top: boolean): LvmSection => {
    if (depth > MAX_DEPTH) bad('sections nest too deeply');
    const out: LvmSection = {};
    for (;;) {
      skip();
      if (pos >= text.length) {
        if (top) return out;
        bad('unterminated section');
      }
      if (text[pos] === '}') {
        if (top) bad(`unexpected } at offset ${pos}`);
        pos++;
        return out;
      }
      const key = ident();
      skip();
      if (text[pos] === '{') {
        pos++;
        out[key] = section(depth + 1, false);
      } else if (text[pos] === '=') {
        pos++;
        out[key] = value();
      } else bad(`expected = or { after ${key}`);
    }
  };
  return section(0, true);
}

export function isSection(v: LvmValue | undefined): v is LvmSection {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
