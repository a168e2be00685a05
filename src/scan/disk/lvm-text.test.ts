import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLvmText } from './lvm-text.ts';
import { isAmwError } from '../../errors.ts';

test('LVM text metadata: sections, strings, numbers, arrays and comments', () => {
  const parsed = parseLvmText(
    `vg0 {
id = "abc-def"   # trailing comment
seqno = 7
status = ["READ", "WRITE"]
logical_volumes {
root {
segment1 {
stripes = [
"pv0", 12
]
}
}
}
}
contents = "Text Format Volume Group"
version = 1
\0\0`,
    't',
  );
  assert.deepEqual(parsed, {
    vg0: {
      id: 'abc-def',
      seqno: 7,
      status: ['READ', 'WRITE'],
      logical_volumes: { root: { segment1: { stripes: ['pv0', 12] } } },
    },
    contents: 'Text Format Volume Group',
    version: 1,
  });
});

test('LVM text metadata: damaged text is AMW_DISK_BAD_LVM, not a crash', () => {
  for (const text of [
    'vg0 {',
    'vg0 { id = "x',
    'vg0 { = 3 }',
    '}',
    'a = [1, 2',
    'x { y = }',
    '{'.repeat(40),
  ]) {
    assert.throws(
      () => parseLvmText(text, 't'),
      (e: unknown) => isAmwError(e, 'AMW_DISK_BAD_LVM'),
      text,
    );
  }
});
