import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withTree } from '../../../test/helpers/tree-spec.ts';
import type { TreeSpec } from '../../../test/helpers/tree-spec.ts';
import { DirVfs } from '../vfs/dir-vfs.ts';
import { detectOs, isSupportedOs, parseOsRelease } from './detect.ts';

async function detect(spec: TreeSpec) {
  const { root, cleanup } = await withTree(spec);
  try {
    return await detectOs(new DirVfs(root));
  } finally {
    await cleanup();
  }
}

test('os-release parsing: quotes, escapes, comments', () => {
  assert.deepEqual(
    parseOsRelease('# c\nID="amzn"\nNAME=\'Amazon Linux\'\nPRETTY_NAME="A \\"q\\""\nBAD LINE\n'),
    {
      ID: 'amzn',
      NAME: 'Amazon Linux',
      PRETTY_NAME: 'A "q"',
    },
  );
});

test('the four supported OSes are detected from the image, through a link to usr/lib', async () => {
  const al = await detect({
    files: {
      '/usr/lib/os-release':
        'ID="amzn"\nVERSION_ID="2023"\nID_LIKE="fedora"\nPRETTY_NAME="Amazon Linux 2023"\n',
    },
    links: { '/etc/os-release': '../usr/lib/os-release' },
  });
  assert.equal(al.os.id, 'amzn');
  assert.equal(al.os.family, 'rhel');
  assert.ok(isSupportedOs(al.os));
  const ub = await detect({
    files: { '/etc/os-release': 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n' },
  });
  assert.equal(ub.os.family, 'debian');
  assert.ok(isSupportedOs(ub.os));
  const alpine = await detect({ files: { '/etc/os-release': 'ID=alpine\nVERSION_ID=3.19.1\n' } });
  assert.equal(alpine.os.family, 'alpine');
  assert.ok(!isSupportedOs(alpine.os));
});

test('no os-release is an unknown OS with the reason, never a guess', async () => {
  const none = await detect({ files: { '/etc/hostname': 'x\n' } });
  assert.equal(none.os.id, 'unknown');
  assert.match(none.problem ?? '', /\/etc\/os-release absent/);
  const dangling = await detect({ links: { '/etc/os-release': '/usr/lib/os-release' } });
  assert.equal(dangling.os.id, 'unknown');
});
