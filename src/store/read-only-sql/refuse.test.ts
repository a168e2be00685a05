import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAmwError } from '../../errors.ts';
import { checkReadOnlySql } from './refuse.ts';

test('one statement passes, without its trailing semicolons and comments', () => {
  assert.equal(checkReadOnlySql('select 1;'), 'select 1');
  assert.equal(checkReadOnlySql('select 1 ;; \n'), 'select 1');
  assert.equal(checkReadOnlySql('select 1; -- the count\n/* done */ ;'), 'select 1');
  // A semicolon inside quotes or comments separates nothing.
  assert.equal(checkReadOnlySql("select ';' as s -- a; b\n"), "select ';' as s -- a; b");
  assert.equal(checkReadOnlySql('select "a;b" from t /* x; y */'), 'select "a;b" from t /* x; y */');
});

test('a second statement is refused, whatever hides it', () => {
  for (const sql of [
    'select 1; delete from images',
    'select 1;delete from images;',
    "select 'a'; select 'b'",
    'select 1 /* c */ ; /* d */ drop table images',
  ])
    assert.throws(
      () => checkReadOnlySql(sql),
      (e) =>
        isAmwError(e, 'AMW_QUERY_READ_ONLY') &&
        e.message === 'queries are read-only: one statement at a time',
      sql,
    );
});

test('ATTACH, DETACH, PRAGMA writes and maintenance statements are refused, even behind comments', () => {
  for (const sql of [
    "attach database '/tmp/x.db' as x",
    'DETACH x',
    'pragma user_version = 7',
    'PRAGMA main.journal_mode=wal',
    "pragma writable_schema('on')",
    'pragma main.user_version(3)',
    '-- innocent\npragma query_only = 0',
    '/* a */ /* b */ attach database "y" as y',
    'vacuum',
    'reindex',
    'analyze images',
  ])
    assert.throws(
      () => checkReadOnlySql(sql),
      (e) => isAmwError(e, 'AMW_QUERY_READ_ONLY') && /ATTACH, DETACH, PRAGMA writes/.test(e.message),
      sql,
    );
  // Reading a pragma is a query like any other.
  for (const sql of ['pragma user_version', 'pragma table_info(images)', 'PRAGMA main.index_list( images )'])
    assert.equal(checkReadOnlySql(sql), sql);
});

test('empty SQL is invalid, not read-only', () => {
  for (const sql of ['', '  ;  ', '-- nothing\n', '/* x */;'])
    assert.throws(
      () => checkReadOnlySql(sql),
      (e) => isAmwError(e, 'AMW_QUERY_INVALID'),
      JSON.stringify(sql),
    );
});
