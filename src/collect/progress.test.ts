import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProgress } from './progress.ts';

function stream(tty: boolean): { s: PassThrough & { isTTY?: boolean }; text: () => string } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (tty) s.isTTY = true;
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  return { s, text: () => out };
}

test('progress prints plain lines when not on a terminal', async () => {
  const { s, text } = stream(false);
  const p = createProgress(s);
  p.start(2);
  p.scopeDone('111111111111/us-east-1', true, '3 images, 1 instances');
  p.scopeDone('111111111111/eu-west-1', false, 'AMW_AWS_CALL_FAILED: boom');
  p.finish();
  await new Promise((r) => setImmediate(r));
  assert.equal(
    text(),
    'collecting 2 account/region scopes\nok 111111111111/us-east-1: 3 images, 1 instances\nFAILED 111111111111/eu-west-1: AMW_AWS_CALL_FAILED: boom\n',
  );
});

test('progress redraws one bar on a terminal and keeps failures on their own lines', async () => {
  const { s, text } = stream(true);
  const p = createProgress(s);
  p.start(2);
  p.scopeDone('a/us-east-1', true, 'x');
  p.scopeDone('a/eu-west-1', false, 'boom');
  p.finish();
  await new Promise((r) => setImmediate(r));
  const out = text();
  assert.ok(out.includes(`\r\x1b[2K[${'#'.repeat(15)}${'.'.repeat(15)}] 1/2 a/us-east-1`));
  assert.ok(out.includes('\r\x1b[2Kfailed a/eu-west-1: boom\n'));
  assert.ok(out.includes(`[${'#'.repeat(30)}] 2/2 a/eu-west-1`));
  assert.ok(out.endsWith('\r\x1b[2K'));
});

test('quiet progress prints nothing', async () => {
  const { s, text } = stream(false);
  const p = createProgress(s, true);
  p.start(1);
  p.scopeDone('a/b', true, 'x');
  p.finish();
  await new Promise((r) => setImmediate(r));
  assert.equal(text(), '');
});
