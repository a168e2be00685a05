import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paginateDescribeImages } from '@aws-sdk/client-ec2';
import { startSimulator } from './index.ts';
import { generateSyntheticEstate } from './synthetic.ts';
import { simClients } from './testing.ts';

test('the synthetic generator is deterministic by seed and spreads images over accounts and regions', () => {
  const a = generateSyntheticEstate({
    images: 2000,
    accounts: 5,
    regions: ['us-east-1', 'eu-west-1'],
    seed: 9,
  });
  const b = generateSyntheticEstate({
    images: 2000,
    accounts: 5,
    regions: ['us-east-1', 'eu-west-1'],
    seed: 9,
  });
  const c = generateSyntheticEstate({
    images: 2000,
    accounts: 5,
    regions: ['us-east-1', 'eu-west-1'],
    seed: 10,
  });
  const sig = (s: typeof a) =>
    [...s.images.values()].map((i) => `${i.id}:${i.created}:${i.launchPermissions.length}:${i.state}`).join();
  assert.equal(sig(a), sig(b));
  assert.notEqual(sig(a), sig(c));
  const owned = [...a.images.values()].filter((i) => a.accounts.get(i.ownerId)?.member);
  assert.equal(owned.length, 2000);
  assert.equal(a.imageIdsOwnedBy('200000000001', 'eu-west-1').size, 200);
  assert.ok(a.instances.size > 600 && a.launchTemplates.size >= 200);
});

test('a synthetic estate is served page by page with the real SDK paginator', async () => {
  const state = generateSyntheticEstate({ images: 2400, accounts: 2, regions: ['us-east-1'] });
  const sim = await startSimulator({ seed: state });
  try {
    const { ec2 } = simClients(sim, 'us-east-1', '200000000001');
    let n = 0;
    for await (const page of paginateDescribeImages(
      { client: ec2, pageSize: 1000 },
      { Owners: ['self'], IncludeDeprecated: true, IncludeDisabled: true },
    ))
      n += page.Images!.length;
    assert.equal(n, 1200);
    assert.equal(sim.callCounts()['ec2:DescribeImages'], 2);
  } finally {
    await sim.close();
  }
});
