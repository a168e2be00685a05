import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellsOf, csvText, textTable } from './text-table.ts';

test('textTable pads every column to its widest cell and trims line ends', () => {
  assert.deepEqual(
    textTable(
      ['id', 'state'],
      [
        ['v-1', 'open'],
        ['v-10', ''],
      ],
    ),
    ['id    state', '----  -----', 'v-1   open', 'v-10'],
  );
});

test('csvText quotes only the cells that need it and doubles their quotes', () => {
  assert.equal(
    csvText(
      ['policy', 'why'],
      [
        ['a,b', 'say "hi"\r\nbye'],
        ['plain', ''],
      ],
    ),
    'policy,why\n"a,b","say ""hi""\r\nbye"\nplain,',
  );
});

test('cellsOf prints null and undefined as empty cells and numbers as text', () => {
  assert.deepEqual(cellsOf([{ a: null, b: 3 }, { a: 'x' }], ['a', 'b']), [
    ['', '3'],
    ['x', ''],
  ]);
});

test('textTable shows line breaks and tabs as escapes and cuts cells past maxWidth with an ellipsis', () => {
  assert.deepEqual(textTable(['k', 'v'], [['a\tb', 'one\r\ntwo']]), [
    'k     v',
    '----  ----------',
    'a\\tb  one\\r\\ntwo',
  ]);
  assert.deepEqual(
    textTable(
      ['name', 'n'],
      [
        ['abcdefgh', '1'],
        ['ab', '22'],
      ],
      { maxWidth: 5 },
    ),
    ['name   n', '-----  --', 'abcd…  1', 'ab     22'],
  );
});
