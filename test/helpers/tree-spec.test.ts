import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { canChown, mergeTrees, withTree } from './tree-spec.ts';

test('a tree spec lays out files, modes, owners and links', async () => {
  const spec = mergeTrees(
    { files: { '/etc/shadow': 'root:*:19000:0:99999:7:::\n', '/etc/os-release': 'ID=debian\n' } },
    {
      meta: { '/etc/shadow': { mode: '0640', gid: 42 } },
      links: { '/etc/localtime': '/usr/share/zoneinfo/UTC' },
      dirs: ['/tmp'],
    },
  );
  const { root, cleanup } = await withTree(spec);
  try {
    const st = await lstat(join(root, 'etc/shadow'));
    assert.equal(st.mode & 0o7777, 0o640);
    if (canChown) assert.equal(st.gid, 42);
    assert.equal(await readFile(join(root, 'etc/os-release'), 'utf8'), 'ID=debian\n');
    assert.equal(await readlink(join(root, 'etc/localtime')), '/usr/share/zoneinfo/UTC');
    assert.ok((await lstat(join(root, 'tmp'))).isDirectory());
  } finally {
    await cleanup();
  }
});
