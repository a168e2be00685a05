import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORT_IDS } from './index.ts';
import { UNSCANNABLE_REPORTS, unscannableLine } from './unscannable.ts';

const u = {
  source: 'ami:ami-0123456789abcdef0',
  imageId: 'ami-0123456789abcdef0',
  reason: 'AWS Marketplace product prod-x <1> & co',
  startedAt: '2026-11-20T10:00:00.000Z',
};

test('every report format has an unscannable rendering that names the reason', () => {
  assert.deepEqual(Object.keys(UNSCANNABLE_REPORTS).sort(), [...REPORT_IDS].sort());
  assert.equal(
    unscannableLine(u),
    'ami-0123456789abcdef0: unscannable: AWS Marketplace product prod-x <1> & co',
  );
  assert.equal(UNSCANNABLE_REPORTS.table!(u), `${unscannableLine(u)}\n`);
  const json = JSON.parse(UNSCANNABLE_REPORTS.json!(u)) as Record<string, unknown>;
  assert.equal(json.completeness, 'unscannable');
  assert.equal(json.reason, u.reason);
  const junit = UNSCANNABLE_REPORTS.junit!(u);
  assert.match(junit, /errors="1"/);
  assert.match(
    junit,
    /<error message="unscannable" type="unscannable">ami-0123456789abcdef0: unscannable: AWS Marketplace product prod-x &lt;1&gt; &amp; co<\/error>/,
  );
  const html = UNSCANNABLE_REPORTS.html!(u);
  assert.match(html, /class="unscannable">unscannable: AWS Marketplace product prod-x &lt;1&gt; &amp; co</);
  assert.doesNotMatch(html, /<1>/);
  const bom = JSON.parse(UNSCANNABLE_REPORTS.cyclonedx!(u)) as {
    metadata: { properties: Array<{ name: string; value: string }> };
    components: unknown[];
  };
  assert.deepEqual(bom.metadata.properties, [
    { name: 'amiwarden:scan:completeness', value: 'unscannable' },
    { name: 'amiwarden:scan:unscannable-reason', value: u.reason },
  ]);
  const sarif = JSON.parse(UNSCANNABLE_REPORTS.sarif!(u)) as {
    runs: Array<{ invocations: Array<{ executionSuccessful: boolean }> }>;
  };
  assert.equal(sarif.runs[0]!.invocations[0]!.executionSuccessful, false);
});
