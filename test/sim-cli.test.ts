import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import '../src/aws/sdk-node-warning.ts';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { SIM_ROOT_CREDENTIALS } from '../src/sim/index.ts';

const BIN = fileURLToPath(new URL('../bin/amiwarden.js', import.meta.url));
const SMALL = fileURLToPath(new URL('./fixtures/seeds/small.yml', import.meta.url));

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { child, out: () => out, err: () => err };
}

describe('amiwarden sim', () => {
  test('amiwarden sim serves a seed, prints URL and credentials, and stops cleanly on SIGINT', async () => {
    const p = run(['--seed', SMALL, '--port', '0']);
    const url = await new Promise<string>((resolve, reject) => {
      p.child.stdout.on('data', () => {
        const m = /serving .* at (http:\/\/127\.0\.0\.1:[0-9]+)/.exec(p.out());
        if (m && p.out().includes('Ctrl-C')) resolve(m[1]!);
      });
      p.child.on('exit', () => reject(new Error(`exited early: ${p.err()}`)));
    });
    assert.match(p.out(), new RegExp(`AWS_ACCESS_KEY_ID=${SIM_ROOT_CREDENTIALS.accessKeyId}`));
    const ec2 = new EC2Client({
      endpoint: url,
      region: 'us-east-1',
      credentials: SIM_ROOT_CREDENTIALS,
      maxAttempts: 1,
    });
    const r = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    assert.deepEqual(
      r.Images!.map((i) => i.ImageId),
      ['ami-0a000000000000001'],
    );
    p.child.kill('SIGINT');
    const [code] = await once(p.child, 'exit');
    assert.equal(code, 0);
  });

  test('amiwarden sim with an unreadable seed prints one error line and exits 2', async () => {
    const p = run(['--seed', '/nonexistent/seed.yml', '--port', '0']);
    const [code] = await once(p.child, 'exit');
    assert.equal(code, 2);
    const lines = p
      .err()
      .split('\n')
      .filter((l) => l.startsWith('amiwarden:'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /AMW_SEED_UNREADABLE/);
  });
});
