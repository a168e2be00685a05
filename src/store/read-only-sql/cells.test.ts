import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blobCell, integerCell, jsonRows, pgCellParser } from './cells.ts';

const parse = (oid: number, text: string) => (pgCellParser(oid) as (v: string) => unknown)(text);

test('integers are numbers up to 2^53 - 1 either way, bigints past it', () => {
  assert.equal(integerCell(9007199254740991n), 9007199254740991);
  assert.equal(integerCell(-9007199254740991n), -9007199254740991);
  assert.equal(integerCell(9007199254740992n), 9007199254740992n);
  assert.equal(integerCell(-9007199254740992n), -9007199254740992n);
  assert.deepEqual(jsonRows([[2n ** 63n - 1n, 7, null, 'x']]), [['9223372036854775807', 7, null, 'x']]);
});

test('blobs are \\x and lowercase hex, a view into a larger buffer included', () => {
  assert.equal(blobCell(Uint8Array.of()), '\\x');
  assert.equal(blobCell(Buffer.from([0xca, 0xfe, 0x01]).subarray(1)), '\\xfe01');
});

test('PostgreSQL text becomes the cells SQLite gives', () => {
  // int8, numeric whole and fractional, NaN and infinities
  assert.equal(parse(20, '-9223372036854775808'), -(2n ** 63n));
  assert.equal(parse(20, '12'), 12);
  assert.equal(parse(1700, '18446744073709551616'), 2n ** 64n);
  assert.equal(parse(1700, '-3'), -3);
  assert.equal(parse(1700, '2.5000000000000000'), 2.5);
  assert.equal(parse(1700, 'NaN'), 'NaN');
  assert.equal(parse(701, '-Infinity'), '-Infinity');
  assert.equal(parse(700, '0.25'), 0.25);
  // booleans as SQLite's 1 = 1, bytea in either output format PostgreSQL may use
  assert.deepEqual([parse(16, 't'), parse(16, 'f')], [1, 0]);
  assert.equal(parse(17, '\\x00ff'), '\\x00ff');
  assert.equal(parse(17, 'a\\000'), '\\x6100');
  // timestamps, json and intervals stay the text PostgreSQL printed
  for (const [oid, text] of [
    [1184, '2026-11-01 00:00:00+00'],
    [3802, '{"a": [1, 2]}'],
    [1186, '1 day 02:00:00'],
    [1007, '{1,2}'],
  ] as const)
    assert.equal(parse(oid, text), text);
});
