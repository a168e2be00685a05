import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFstab } from './fstab.ts';

test('fstab: local filesystems with their line numbers; swap, pseudo and comments left out', () => {
  const text = [
    '# static file system information',
    'UUID=0a1b2c3d-0000-4000-8000-000000000001  /  xfs  defaults  0 1',
    'LABEL=var\t/var\text4\tdefaults\t0 2',
    '/dev/mapper/vg0-swap none swap sw 0 0',
    'proc /proc proc defaults 0 0',
    'tmpfs /tmp tmpfs defaults 0 0',
    '/dev/xvdb1 /srv/my\\040data ext4 defaults 0 2   # data disk',
    'server:/export /mnt/nfs nfs defaults 0 0',
    '',
  ].join('\n');
  assert.deepEqual(parseFstab(text), [
    { spec: 'UUID=0a1b2c3d-0000-4000-8000-000000000001', mountPoint: '/', fsType: 'xfs', line: 2 },
    { spec: 'LABEL=var', mountPoint: '/var', fsType: 'ext4', line: 3 },
    { spec: '/dev/xvdb1', mountPoint: '/srv/my data', fsType: 'ext4', line: 7 },
  ]);
});
