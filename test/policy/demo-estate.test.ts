import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCollectedEstate } from '../helpers/collected-estate.ts';
import { FIXTURES, ROOT } from './harness.ts';

// Expectations written by hand from src/sim/seeds/demo.yml (now = 2026-11-01); ids abbreviated as
// <account digit><region digit>-<n>: "21-06" is ami-02100000000000006.
const id = (s: string) => {
  const [ar, n] = s.split('-');
  return `ami-0${ar}${'0'.repeat(14 - (n ?? '').length)}${n}`;
};
const ids = (...s: string[]) => s.map(id).sort();

const EXPECTED: Record<string, string[]> = {
  // created more than 90 days ago (21-17 is exactly 90: not more); 21-21 is deregistered
  'ami-age-over-90d': ids(
    '21-01',
    '21-02',
    '21-03',
    '21-04',
    '21-05',
    '21-06',
    '21-09',
    '21-10',
    '21-11',
    '21-12',
    '21-13',
    '21-14',
    '21-15',
    '21-16',
    '21-20',
    '22-02',
    '22-03',
    '22-04',
    '22-05',
    '22-06',
    '31-01',
    '31-02',
    '31-03',
    '31-07',
    '31-09',
    '31-10',
    '32-02',
    '32-03',
    '41-01',
    '41-02',
    '41-04',
    '41-06',
    '41-08',
    '41-10',
    '42-03',
  ),
  // nothing uses them (21-20: terminated instance only; 21-06 is still dev-web v1, so it is used) and older than 30 days
  'ami-unused-mark': ids(
    '21-01',
    '21-02',
    '21-03',
    '21-04',
    '21-05',
    '21-10',
    '21-12',
    '21-13',
    '21-14',
    '21-15',
    '21-20',
    '21-22',
    '22-02',
    '22-03',
    '22-04',
    '22-05',
    '22-06',
    '22-07',
    '31-02',
    '31-09',
    '32-02',
    '32-03',
    '41-08',
    '41-09',
    '41-10',
    '42-03',
  ),
  // instances in any live state, every template version (bare dev-batch too), SSM via template, LCs with or
  // without an ASG, consumers in other accounts
  'ami-in-use': ids(
    '21-06',
    '21-07',
    '21-08',
    '21-09',
    '21-11',
    '21-16',
    '21-17',
    '21-18',
    '21-19',
    '22-01',
    '31-01',
    '31-03',
    '31-04',
    '31-05',
    '31-06',
    '31-07',
    '31-08',
    '31-10',
    '41-01',
    '41-02',
    '41-04',
    '41-05',
    '41-06',
    '42-02',
  ),
  // public; shared with stage; with a partner; with the prod OU; with the organization (3 goldens); with management
  'ami-cross-account': ids('21-10', '21-11', '21-12', '31-08', '41-01', '41-02', '41-03', '41-09'),
  // the demo tags images with App/Team/Golden/Build, never env/owner/lifecycle
  'ami-prod-unencrypted': [],
  'ami-deregister-retired': [],
};

let out: string;
withCollectedEstate(join(ROOT, 'src/sim/seeds/demo.yml'), {
  now: '2026-11-01T00:00:00Z',
  async setup(e) {
    out = join(e.dir, 'out');
    assert.equal(await e.run(join(FIXTURES, 'custodian'), '--dryrun', '-s', out), 0);
  },
});

// Images used only through non-default versions (21-06 dev-web v1, 21-17 dev-batch v3, 21-18 dev-batch v2)
// count as use: the collector reads every version of every launch template.
for (const [policy, want] of Object.entries(EXPECTED)) {
  test(`demo estate: ${policy} matches the hand-written ids`, () => {
    const got = (
      JSON.parse(readFileSync(join(out, policy, 'resources.json'), 'utf8')) as { ImageId: string }[]
    )
      .map((r) => r.ImageId)
      .sort();
    assert.deepEqual(got, want);
  });
}
