/** Where login users' files live in an image; hygiene checks look under each. */
export const HOME_DIRS = ['/root', '/home/*'] as const;

/** `rel` under every home directory: inHomes('.ssh/authorized_keys'). */
export const inHomes = (...rels: string[]): string[] =>
  HOME_DIRS.flatMap((h) => rels.map((r) => `${h}/${r}`));

export const AUTHORIZED_KEYS_GLOBS = inHomes('.ssh/authorized_keys', '.ssh/authorized_keys2');

/** Lines of an authorized_keys file that grant a login (not blank, not a comment). */
export function keyLines(text: string): Array<{ line: number; text: string }> {
  return text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
}
