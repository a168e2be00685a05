import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globRegExp } from './glob-regexp.ts';

test('globs: * and ? only, everything else literal, whole name', () => {
  const re = globRegExp('web-*.v?');
  assert.equal(re.test('web-release.v2'), true);
  assert.equal(re.test('web-.v1'), true);
  assert.equal(re.test('web-release.v10'), false);
  assert.equal(re.test('xweb-release.v2'), false);
  assert.equal(globRegExp('a.b').test('axb'), false);
  assert.equal(globRegExp('(base)+[1]').test('(base)+[1]'), true);
  assert.equal(globRegExp('*').test('any\nname'), true);
});
