// The full test suite: installs missing Debian packages, starts the real services the tests
// need (PostgreSQL...), then runs every *.test.ts under src/ and test/ with node:test via tsx.
// Usage: npm test [-- --no-setup] [-- path-substring ...]
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const noSetup = args.includes('--no-setup');
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = ['src', 'test']
  .flatMap((d) => findTests(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('test: no test files matched');
  process.exit(1);
}

const env = { ...process.env };
const teardowns = [];
if (!noSetup) {
  spawnSync('bash', [join(root, 'scripts/install-system-deps.sh')], { stdio: 'inherit' });
  const setups = (await import('./test-setup/index.mjs')).SETUPS;
  for (const [name, setupFn] of setups) {
    const result = await setupFn({ root, env });
    if (result.skip) {
      console.error(
        `\n!!! test setup "${name}" unavailable: ${result.skip}\n!!! tests that need it will be SKIPPED\n`,
      );
      env[`AMW_TEST_${name.toUpperCase()}_SKIP`] = result.skip;
      continue;
    }
    Object.assign(env, result.env ?? {});
    if (result.describe) console.error(`test setup: ${name}: ${result.describe}`);
    if (result.teardown) teardowns.push(result.teardown);
  }
}

const concurrency = process.env.AMW_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=900000',
    '--test-reporter=spec',
    ...files,
  ],
  { cwd: root, env, stdio: 'inherit' },
);
const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
for (const t of teardowns.reverse()) await t();
process.exit(code);
