import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AmwError } from '../../errors.ts';
import { parseCriteriaText, parseStoredCriteria } from './load-criteria.ts';

function failure(text: string, file = 'c.yml'): string {
  try {
    parseCriteriaText(file, text);
  } catch (err) {
    assert.ok(err instanceof AmwError);
    assert.equal(err.code, 'AMW_ALLOWED_IMAGES_CRITERIA');
    return err.toLine();
  }
  assert.fail('expected the criteria to be refused');
}

describe('allowed-images criteria files', () => {
  test('YAML list and JSON GetAllowedImagesSettings output give the same criteria', () => {
    const yaml = parseCriteriaText(
      'c.yml',
      '- ImageProviders: [amazon]\n  ImageNames: ["al2023-*"]\n- CreationDateCondition: { MaximumDaysSinceCreated: 90 }\n',
    );
    const json = parseCriteriaText(
      'c.json',
      JSON.stringify({
        State: 'audit-mode',
        ImageCriteria: [
          { ImageProviders: ['amazon'], ImageNames: ['al2023-*'] },
          { CreationDateCondition: { MaximumDaysSinceCreated: 90 } },
        ],
        ManagedBy: 'account',
      }),
    );
    assert.deepEqual(yaml, json);
    assert.equal(yaml.length, 2);
  });

  test('an unknown field points at its key', () => {
    assert.equal(
      failure('- ImageProviders: [amazon]\n  ImageName: ["x"]\n'),
      'c.yml:2:3: [0].ImageName: unknown field [AMW_ALLOWED_IMAGES_CRITERIA]',
    );
  });

  test('a bad provider, a negative age and too many criteria are refused with their place', () => {
    assert.equal(
      failure('- ImageProviders: [amazon, "12345"]\n'),
      'c.yml:1:28: [0].ImageProviders[1]: expected amazon, aws-marketplace, aws-backup-vault, none or a 12-digit account id [AMW_ALLOWED_IMAGES_CRITERIA]',
    );
    assert.match(
      failure('- ImageNames: ["a|b"]\n'),
      /^c\.yml:1:16: \[0\]\.ImageNames\[0\]: expected letters/,
    );
    assert.match(
      failure('ImageCriteria:\n  - CreationDateCondition:\n      MaximumDaysSinceCreated: -1\n'),
      /^c\.yml:3:32: ImageCriteria\[0\]\.CreationDateCondition\.MaximumDaysSinceCreated: Expected integer to be greater or equal to 0 /,
    );
    assert.match(failure(JSON.stringify(Array.from({ length: 11 }, () => ({})))), /^c\.yml:1:1: .*10/);
  });

  test('none with another provider, and a short name with ?, are refused as AWS refuses them', () => {
    assert.equal(
      failure('ImageCriteria:\n  - ImageProviders: [none, amazon]\n'),
      'c.yml:2:21: ImageCriteria[0].ImageProviders: none allows no other provider [AMW_ALLOWED_IMAGES_CRITERIA]',
    );
    assert.equal(
      failure('- ImageNames: [ok-*, "a?"]\n'),
      'c.yml:1:22: [0].ImageNames[1]: a name with ? needs 3 characters or more [AMW_ALLOWED_IMAGES_CRITERIA]',
    );
    assert.deepEqual(parseCriteriaText('c.yml', '- ImageProviders: [none]\n  ImageNames: ["a?c"]\n'), [
      { ImageProviders: ['none'], ImageNames: ['a?c'] },
    ]);
  });

  test('not YAML, and not a list or object, are refused', () => {
    assert.match(failure('- [unclosed\n'), /^c\.yml:\d+:\d+: invalid YAML/);
    assert.equal(
      failure('"amazon"\n'),
      'c.yml:1:1: expected a list of image criteria or an object with ImageCriteria [AMW_ALLOWED_IMAGES_CRITERIA]',
    );
  });

  test('stored criteria: JSON from the collector, undefined when unreadable', () => {
    assert.deepEqual(parseStoredCriteria('[{"ImageProviders":["amazon"]}]'), [
      { ImageProviders: ['amazon'] },
    ]);
    assert.deepEqual(parseStoredCriteria('[]'), []);
    assert.deepEqual(parseStoredCriteria(null), []);
    assert.equal(parseStoredCriteria('{oops'), undefined);
    assert.equal(parseStoredCriteria('[{"Bogus":1}]'), undefined);
  });
});
