import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A hostile image root: symlink loops, links aimed at host files (absolute and climbing with ".."),
 * unreadable files and directories, a FIFO, 100k files and a 2 GiB sparse file. The scan runs end
 * to end through the CLI as an unprivileged user (uid 65534) and must finish, keep memory bounded,
 * never read the host and never change the tree.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const HOST_SECRET = 'AKIAHOSTHOSTHOST0000';

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return r.stdout;
}

/** Names, sizes, modes and mtimes/ctimes of every entry: any write into the tree changes it. */
const fingerprint = (root: string): string =>
  sh('bash', ['-c', `find "$1" -printf '%P %y %s %m %U %T@ %C@\\n' | sort | sha256sum`, '_', root]);

function buildHostileTree(root: string, outside: string): void {
  const p = (rel: string): string => join(root, rel);
  const file = (rel: string, text: string, mode = 0o644): void => {
    mkdirSync(join(p(rel), '..'), { recursive: true });
    writeFileSync(p(rel), text);
    chmodSync(p(rel), mode);
  };
  // The image says Alpine; the host (and any escape to it) says Debian.
  file('usr/lib/os-release', 'ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n');
  symlinkSync('/usr/lib/os-release', mkdirAnd(p('etc'), p('etc/os-release')));
  file(
    'lib/apk/db/installed',
    'P:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\n\nP:busybox\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\n',
  );
  // Links aimed at the host: absolute and climbing. Resolved inside the root they lead nowhere.
  mkdirSync(p('root/.aws'), { recursive: true });
  symlinkSync(join(outside, 'secret.txt'), p('root/.bash_history'));
  symlinkSync('../'.repeat(30) + join(outside, 'secret.txt').slice(1), p('root/.zsh_history'));
  symlinkSync('/proc/self/environ', p('root/.python_history'));
  symlinkSync('/etc/shadow', p('root/.mysql_history'));
  // Loops: self, pair, directory cycle, and a long chain.
  symlinkSync('/etc/ssh/sshd_config', mkdirAnd(p('etc/ssh'), p('etc/ssh/sshd_config')));
  symlinkSync('b', p('etc/a'));
  symlinkSync('a', p('etc/b'));
  symlinkSync('/home', mkdirAnd(p('home'), p('home/loop'))); // /home/loop/loop/... only by following: the walk never does
  for (let i = 0; i < 60; i++) symlinkSync(`chain${i + 1}`, p(`etc/chain${i}`));
  symlinkSync('/etc/chain0', p('root/.lesshst'));
  // A user with unreadable history and an unreadable directory of keys.
  file('home/u/.bash_history', 'echo hidden\n', 0o000);
  mkdirSync(p('home/u/private'), { recursive: true });
  file('home/u/private/id_rsa', '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\n');
  chmodSync(p('home/u/private'), 0o000);
  // A FIFO where a history file would be: opening it for reading would block forever.
  sh('mkfifo', [p('home/u/.psql_history')]);
  mkdirSync(p('var/log'), { recursive: true });
  sh('mkfifo', [p('var/log/pipe')]);
  // A 2 GiB sparse history and log: read at most a bounded prefix, never whole.
  file('home/u/.viminfo', '');
  truncateSync(p('home/u/.viminfo'), 2 * 1024 ** 3);
  file('var/log/huge.log', '');
  truncateSync(p('var/log/huge.log'), 2 * 1024 ** 3);
  // 100k files under a directory the logs check walks.
  for (let d = 0; d < 100; d++) {
    const dir = p(`var/log/flood/d${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 1000; f++) writeFileSync(join(dir, `f${f}`), '');
  }
}

function mkdirAnd(dir: string, then: string): string {
  mkdirSync(dir, { recursive: true });
  return then;
}

test(
  'hostile tree: scanned as nobody without escaping, hanging, writing or exhausting memory',
  { skip: isRoot ? false : 'needs root to switch to uid 65534' },
  async () => {
    // tmpfs when there is one: 100k inodes are laid out in a second instead of a disk journal's minute.
    const base = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'amw-hostile-'));
    chmodSync(base, 0o755);
    const root = join(base, 'root');
    const outside = join(base, 'host');
    mkdirSync(root);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), `export AWS_ACCESS_KEY_ID=${HOST_SECRET}\n`);
    chmodSync(join(outside, 'secret.txt'), 0o644);
    try {
      buildHostileTree(root, outside);
      const before = fingerprint(root);
      const out = join(base, 'report.json');
      writeFileSync(out, '');
      chownSync(out, NOBODY, NOBODY);
      const t0 = Date.now();
      const r = spawnSync(
        '/usr/bin/time',
        [
          '-f',
          'MAXRSS_KB=%M',
          process.execPath,
          join(repo, 'bin/amiwarden.js'),
          'scan',
          `dir:${root}`,
          '-f',
          'json',
          '-o',
          out,
        ],
        {
          uid: NOBODY,
          gid: NOBODY,
          cwd: base,
          encoding: 'utf8',
          timeout: 300_000,
          env: {
            PATH: '/nonexistent',
            HOME: '/nonexistent',
            TMPDIR: tmpdir(),
            NODE_OPTIONS: '--max-old-space-size=384',
          },
        },
      );
      const seconds = (Date.now() - t0) / 1000;
      assert.equal(r.signal, null, `scan was killed (${r.signal}): ${r.stderr}`);
      assert.equal(r.status, 0, `scan exited ${r.status}: ${r.stderr}`);
      const rss = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1]);
      console.log(`hostile tree: ${seconds.toFixed(1)} s, max RSS ${(rss / 1024).toFixed(0)} MiB`);
      assert.ok(rss > 0 && rss < 600 * 1024, `max RSS ${rss} KiB is not bounded`);
      const { readFileSync } = await import('node:fs');
      const text = readFileSync(out, 'utf8');
      const result = JSON.parse(text) as {
        os: { id: string };
        completeness: string;
        packages: { status: string; packages?: unknown[] };
        gaps: Array<{ part: string; reason: string }>;
        controls: Array<{ control: { id: string }; verdict: { status: string } }>;
      };
      // The image's own os-release (absolute link resolved inside the root), not the host's Debian.
      assert.equal(result.os.id, 'alpine');
      assert.equal(result.packages.status, 'ok');
      assert.equal(result.packages.packages?.length, 2);
      // Nothing from outside the root reached the report: not the planted host secret, not /etc/shadow, not /proc.
      assert.ok(!text.includes(HOST_SECRET), 'a host file was read through a symlink');
      assert.ok(!text.includes('root:*:') && !text.includes('root:$'), 'the host /etc/shadow was read');
      // Unreadable parts make the scan partial and are named; nothing claims a clean pass over them.
      assert.equal(result.completeness, 'partial');
      const gapText = JSON.stringify(result.gaps);
      assert.match(gapText, /home\/u\/private/);
      const byId = new Map(result.controls.map((c) => [c.control.id, c.verdict.status]));
      assert.equal(byId.get('logs'), 'fail', 'the 2 GiB log is a finding');
      assert.notEqual(byId.get('histories'), 'pass', 'unreadable or huge histories cannot pass');
      assert.equal(fingerprint(root), before, 'the scan changed the tree');
    } finally {
      // Unreadable directories first need their modes back for the cleanup to descend.
      spawnSync('chmod', ['-R', 'u+rwx', base]);
      rmSync(base, { recursive: true, force: true });
    }
  },
);
