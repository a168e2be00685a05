import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The scanner judges the image, never the machine it runs on: no code under src/scan reads the
 * process environment, the user's home, the host's /proc, /etc or PATH, or runs host programs.
 * (The hostile-tree test shows the same at run time: PATH and HOME point nowhere there.)
 */
const scanDir = fileURLToPath(new URL('../../src/scan/', import.meta.url));

const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/process\.env/, 'reads the process environment'],
  [/node:child_process|from 'child_process'/, 'runs host programs'],
  [/\bhomedir\(|os\.userInfo|process\.cwd\(\)/, 'depends on the scanning user or directory'],
  [/['"`]\/proc\/(?!['"`])/, 'reads the host /proc'],
  [/from 'node:fs(\/promises)?'/, 'touches host paths directly (only Vfs sources may)'],
];

/** Host file access is allowed only where an image source is opened. */
const HOST_FS_ALLOWED = [
  /^vfs\/dir-vfs\.ts$/,
  /^sources\//,
  /^disk\//,
  /^scan-image\.ts$/,
  /^checks\/loader\.ts$/,
];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

test('no scanner source reads host state', () => {
  const problems: string[] = [];
  for (const file of sources(scanDir)) {
    const rel = relative(scanDir, file);
    const text = readFileSync(file, 'utf8');
    for (const [re, why] of FORBIDDEN) {
      if (!re.test(text)) continue;
      if (why.startsWith('touches host paths') && HOST_FS_ALLOWED.some((a) => a.test(rel))) continue;
      problems.push(`src/scan/${rel}: ${why}`);
    }
  }
  assert.deepEqual(problems, []);
});
