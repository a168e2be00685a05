import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeVerdict, imageAllowed, nameMatches } from './evaluate.ts';
import type { AllowedVerdict, ImageFacts } from './evaluate.ts';
import type { ImageCriteria } from './criteria.ts';

const NOW = new Date('2026-11-01T00:00:00.000Z');
const SCOPE = { accountId: '100000000002', now: NOW };
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

const amazon: ImageFacts = {
  imageId: 'ami-0a000000000000001',
  ownerId: '137112412989',
  ownerAlias: 'amazon',
  name: 'al2023-ami-2023.6.20241010.0-kernel-6.1-x86_64',
  productCodes: [],
  creationDate: daysAgo(380),
  deprecationTime: null,
};
const vendor: ImageFacts = {
  imageId: 'ami-0b000000000000001',
  ownerId: '679593333241',
  ownerAlias: 'aws-marketplace',
  name: 'vendor-fw-1.2',
  productCodes: ['abc123prod'],
  creationDate: daysAgo(10),
  deprecationTime: null,
};
const partner: ImageFacts = { ...vendor, ownerId: '200000000009', ownerAlias: null, productCodes: [] };

function reasons(v: AllowedVerdict): string[][] {
  assert.equal(v.allowed, false);
  return v.allowed ? [] : v.failures.map((f) => f.fields.map((x) => `${x.field}: ${x.reason}`));
}

describe('allowed-images evaluator', () => {
  test('own-account images are allowed whatever the criteria, even none', () => {
    const own = { ...partner, ownerId: SCOPE.accountId };
    assert.deepEqual(imageAllowed(own, [], SCOPE), { allowed: true, by: 'own-account' });
    assert.deepEqual(imageAllowed(own, [{ ImageProviders: ['amazon'] }], SCOPE), {
      allowed: true,
      by: 'own-account',
    });
  });

  test('no criteria: every image from another account is blocked, with no criterion to blame', () => {
    const v = imageAllowed(amazon, [], SCOPE);
    assert.deepEqual(v, { allowed: false, failures: [], uncertain: false });
    assert.equal(describeVerdict(v), 'no criteria: only own images allowed');
  });

  test('providers: aliases match the owner alias, account ids the owner id, none matches nobody else', () => {
    assert.deepEqual(imageAllowed(amazon, [{ ImageProviders: ['amazon'] }], SCOPE), {
      allowed: true,
      by: 'criterion',
      criterion: 0,
    });
    assert.equal(imageAllowed(vendor, [{ ImageProviders: ['aws-marketplace'] }], SCOPE).allowed, true);
    assert.equal(imageAllowed(partner, [{ ImageProviders: ['200000000009'] }], SCOPE).allowed, true);
    assert.deepEqual(
      reasons(imageAllowed(vendor, [{ ImageProviders: ['amazon', 'aws-backup-vault'] }], SCOPE)),
      [['ImageProviders: owner 679593333241 (aws-marketplace) is not among amazon, aws-backup-vault']],
    );
    assert.deepEqual(reasons(imageAllowed(amazon, [{ ImageProviders: ['none'] }], SCOPE)), [
      ['ImageProviders: owner 137112412989 (amazon) is not among none'],
    ]);
    // an alias is not an account id: "amazon" does not match an account without the alias
    assert.equal(imageAllowed(partner, [{ ImageProviders: ['amazon'] }], SCOPE).allowed, false);
  });

  test('names: * and ? wildcards, whole-name and case-sensitive', () => {
    assert.equal(nameMatches('al2023-ami-*', amazon.name!), true);
    assert.equal(nameMatches('al2023-ami-2023.6.2024101?.0-kernel-6.1-x86_64', amazon.name!), true);
    assert.equal(nameMatches('al2023-ami-2023.6.202410??.0-kernel-6.1-x86_64', amazon.name!), true);
    assert.equal(nameMatches('al2023-ami-2023.6.2024101?-kernel-6.1-x86_64', amazon.name!), false);
    assert.equal(nameMatches('al2023', amazon.name!), false, 'no implicit prefix match');
    assert.equal(nameMatches('AL2023-*', amazon.name!), false);
    assert.equal(nameMatches('*', 'anything (1) [x] @y'), true);
    assert.equal(nameMatches('a.c', 'abc'), false, '. is literal');
    assert.equal(nameMatches('(x)*', '(x) y'), true, 'parentheses are literal');
    assert.deepEqual(reasons(imageAllowed(vendor, [{ ImageNames: ['al2023-*', 'ubuntu/*'] }], SCOPE)), [
      ['ImageNames: name "vendor-fw-1.2" matches none of al2023-*, ubuntu/*'],
    ]);
  });

  test('product codes: any listed code; an image without codes fails', () => {
    assert.equal(
      imageAllowed(vendor, [{ MarketplaceProductCodes: ['zzz', 'abc123prod'] }], SCOPE).allowed,
      true,
    );
    assert.deepEqual(reasons(imageAllowed(amazon, [{ MarketplaceProductCodes: ['abc123prod'] }], SCOPE)), [
      ['MarketplaceProductCodes: image has no product code'],
    ]);
    assert.deepEqual(reasons(imageAllowed(vendor, [{ MarketplaceProductCodes: ['other'] }], SCOPE)), [
      ['MarketplaceProductCodes: product codes abc123prod not among other'],
    ]);
  });

  test('creation date: exactly the maximum age is allowed, a millisecond more is not', () => {
    const c: ImageCriteria = [{ CreationDateCondition: { MaximumDaysSinceCreated: 300 } }];
    assert.equal(imageAllowed({ ...partner, creationDate: daysAgo(300) }, c, SCOPE).allowed, true);
    const older = { ...partner, creationDate: new Date(Date.parse(daysAgo(300)) - 1).toISOString() };
    assert.deepEqual(reasons(imageAllowed(older, c, SCOPE)), [
      ['CreationDateCondition: created 300 days ago, more than 300'],
    ]);
    assert.deepEqual(reasons(imageAllowed(amazon, c, SCOPE)), [
      ['CreationDateCondition: created 380 days ago, more than 300'],
    ]);
  });

  test('deprecation: exactly the maximum is allowed, later is not; 0 forbids any deprecated image', () => {
    const c30: ImageCriteria = [{ DeprecationTimeCondition: { MaximumDaysSinceDeprecated: 30 } }];
    const c0: ImageCriteria = [{ DeprecationTimeCondition: { MaximumDaysSinceDeprecated: 0 } }];
    assert.equal(imageAllowed(partner, c0, SCOPE).allowed, true, 'never deprecated');
    assert.equal(
      imageAllowed({ ...partner, deprecationTime: daysAgo(-5) }, c0, SCOPE).allowed,
      true,
      'scheduled',
    );
    assert.equal(imageAllowed({ ...partner, deprecationTime: daysAgo(0) }, c0, SCOPE).allowed, false);
    assert.equal(imageAllowed({ ...partner, deprecationTime: daysAgo(30) }, c30, SCOPE).allowed, true);
    const past = { ...partner, deprecationTime: new Date(Date.parse(daysAgo(30)) - 1).toISOString() };
    assert.deepEqual(reasons(imageAllowed(past, c30, SCOPE)), [
      ['DeprecationTimeCondition: deprecated 30 days ago, more than 30'],
    ]);
  });

  test('fields of one criterion are ANDed; criteria are ORed and the first match is named', () => {
    const criteria: ImageCriteria = [
      { ImageProviders: ['amazon'], ImageNames: ['ubuntu/*'] },
      { ImageProviders: ['aws-marketplace'], MarketplaceProductCodes: ['abc123prod'] },
      { ImageProviders: ['amazon'], CreationDateCondition: { MaximumDaysSinceCreated: 400 } },
    ];
    assert.deepEqual(imageAllowed(vendor, criteria, SCOPE), { allowed: true, by: 'criterion', criterion: 1 });
    assert.deepEqual(imageAllowed(amazon, criteria, SCOPE), { allowed: true, by: 'criterion', criterion: 2 });
    const v = imageAllowed(partner, criteria, SCOPE);
    assert.deepEqual(reasons(v), [
      [
        'ImageProviders: owner 200000000009 is not among amazon',
        'ImageNames: name "vendor-fw-1.2" matches none of ubuntu/*',
      ],
      [
        'ImageProviders: owner 200000000009 is not among aws-marketplace',
        'MarketplaceProductCodes: image has no product code',
      ],
      ['ImageProviders: owner 200000000009 is not among amazon'],
    ]);
    assert.match(describeVerdict(v), /^#0: .*\| #1: .*\| #2: owner 200000000009 is not among amazon$/);
  });

  test('an empty criterion (no fields) allows everything', () => {
    assert.deepEqual(imageAllowed(partner, [{}], SCOPE), { allowed: true, by: 'criterion', criterion: 0 });
  });

  test('unknown facts make a blocked verdict uncertain instead of guessing', () => {
    const bare: ImageFacts = {
      imageId: 'ami-0c000000000000001',
      ownerId: '200000000009',
      ownerAlias: null,
      name: null,
      productCodes: null,
      creationDate: null,
      deprecationTime: null,
    };
    const byName = imageAllowed(bare, [{ ImageNames: ['x-*'] }], SCOPE);
    assert.equal(byName.allowed, false);
    assert.equal(!byName.allowed && byName.uncertain, true);
    const byOwner = imageAllowed(bare, [{ ImageProviders: ['amazon'], ImageNames: ['x-*'] }], SCOPE);
    assert.equal(!byOwner.allowed && byOwner.uncertain, false, 'the known owner already fails');
    const noOwner = imageAllowed({ ...bare, ownerId: null }, [], SCOPE);
    assert.equal(!noOwner.allowed && noOwner.uncertain, true, 'it may be the account own image');
    const scan = imageAllowed(amazon, [{ ImageProviders: ['amazon'], ScanResultCondition: {} }], SCOPE);
    assert.deepEqual(reasons(scan), [['ScanResultCondition: Inspector scan results are not collected']]);
    assert.equal(!scan.allowed && scan.uncertain, true);
  });
});
