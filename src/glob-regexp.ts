/**
 * A shell-style glob as an anchored regular expression: `*` any run (newlines too), `?` one
 * character, everything else literal. Policy `glob` values, Allowed AMIs image names and
 * `usage --name` all match names this way.
 */
export function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${body}$`, 's');
}
