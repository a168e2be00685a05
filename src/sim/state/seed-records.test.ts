import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeedText } from '../seed/load.ts';
import { buildEstate } from './from-seed.ts';

const SEED = `
now: 2026-11-01T00:00:00Z
regions: [us-east-1]
accounts:
  - id: '100000000002'
    name: dev
    regions:
      us-east-1:
        images:
          - { id: ami-0d000000000000001, name: base, created: now-40d }
        launchTemplates:
          - id: lt-0d000000000000001
            name: web
            created: now-30d
            defaultVersion: 1
            versions:
              - { number: 1, image: ami-0d000000000000001 }
              - { number: 3, image: ami-0d000000000000001 }
        instances:
          - { id: i-0d000000000000001, image: ami-0d000000000000001, state: running, launched: now-1d, launchTemplate: { name: web } }
          - { id: i-0d000000000000002, image: ami-0d000000000000001, state: running, launched: now-1d, launchTemplate: { id: lt-0d000000000000001, version: $Latest } }
          - { id: i-0d000000000000003, image: ami-0d000000000000001, state: running, launched: now-1d, launchTemplate: { id: lt-0d000000000000001, version: '1' }, tags: { Name: pinned } }
          - { id: i-0d000000000000004, image: ami-0d000000000000001, state: running, launched: now-1d, launchTemplate: { id: lt-0d000000000000009 } }
          - { id: i-0d000000000000005, image: ami-0d000000000000001, state: running, launched: now-1d, launchTemplate: { id: lt-0d000000000000001 }, tags: { 'aws:ec2launchtemplate:version': '2' } }
          - { id: i-0d000000000000006, image: ami-0d000000000000001, state: running, launched: now-1d }
`;

test('instances launched from a template carry the aws:ec2launchtemplate tags of the version it resolved to', () => {
  const loaded = parseSeedText(SEED, 'inline.yml');
  const state = buildEstate(loaded.seed);
  const tags = (id: string) => Object.fromEntries(state.instances.get(id)!.tags);
  const lt = 'lt-0d000000000000001';
  assert.deepEqual(tags('i-0d000000000000001'), {
    'aws:ec2launchtemplate:id': lt,
    'aws:ec2launchtemplate:version': '1',
  });
  assert.deepEqual(tags('i-0d000000000000002'), {
    'aws:ec2launchtemplate:id': lt,
    'aws:ec2launchtemplate:version': '3',
  });
  assert.deepEqual(tags('i-0d000000000000003'), {
    'aws:ec2launchtemplate:id': lt,
    'aws:ec2launchtemplate:version': '1',
    Name: 'pinned',
  });
  assert.deepEqual(tags('i-0d000000000000004'), {}, 'a template not in the seed: no tags invented');
  assert.deepEqual(
    tags('i-0d000000000000005'),
    { 'aws:ec2launchtemplate:id': lt, 'aws:ec2launchtemplate:version': '2' },
    "the seed's own tags win",
  );
  assert.deepEqual(tags('i-0d000000000000006'), {});
});
