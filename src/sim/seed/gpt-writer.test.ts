import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBlockDevice } from '../../scan/disk/block-device.ts';
import { readGpt } from '../../scan/disk/gpt.ts';
import { guidBytes, writeGpt } from './gpt-writer.ts';

const LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const EFI = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const DISK = '5E3A1B2C-0D4E-4F60-8A9B-0C1D2E3F4A5B';
const PARTS = [
  {
    firstLba: 2048,
    lastLba: 4095,
    typeGuid: EFI,
    uniqueGuid: '11111111-2222-4333-8444-555555555555',
    name: 'EFI System',
  },
  {
    firstLba: 4096,
    lastLba: 14335,
    typeGuid: LINUX,
    uniqueGuid: '66666666-7777-4888-8999-AAAAAAAAAAAA',
    name: 'root',
  },
];
const PATH = `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin`;
const hasSfdisk =
  spawnSync('sh', ['-c', 'command -v sfdisk'], { env: { ...process.env, PATH } }).status === 0;

async function disk(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'amw-gpt-'));
  try {
    const path = join(dir, 'disk.img');
    await writeFile(path, '');
    await truncate(path, 8 * 1024 * 1024);
    await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const read = async (path: string) => {
  const dev = await FileBlockDevice.open(path);
  try {
    return await readGpt(dev);
  } finally {
    await dev.close();
  }
};

test('GUIDs are stored with their first three fields little-endian', () => {
  assert.equal(guidBytes(LINUX).toString('hex'), 'af3dc60f838472478e793d69d8477de4');
  assert.throws(() => guidBytes('not-a-guid'), /not a GUID/);
});

test('the written table reads back through the scanner, from the primary and from the backup copy', async () => {
  await disk(async (path) => {
    await writeGpt(path, DISK, PARTS);
    const expected = [
      {
        number: 1,
        start: 2048 * 512,
        size: 2048 * 512,
        type: EFI,
        name: 'EFI System',
        uuid: PARTS[0]!.uniqueGuid.toLowerCase(),
      },
      {
        number: 2,
        start: 4096 * 512,
        size: 10240 * 512,
        type: LINUX,
        name: 'root',
        uuid: PARTS[1]!.uniqueGuid.toLowerCase(),
      },
    ];
    const pick = (es: Awaited<ReturnType<typeof read>>) =>
      es.map((e) => ({
        number: e.number,
        start: e.start,
        size: e.size,
        type: e.type,
        name: e.name,
        uuid: e.uuid,
      }));
    assert.deepEqual(pick(await read(path)), expected);
    // Damage the primary header's checksum and entry array: the backup at the last sector must
    // carry the same table.
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from([0xde, 0xad]), 0, 2, 512 + 16);
    await fh.write(Buffer.alloc(1024), 0, 1024, 1024);
    assert.deepEqual(pick(await read(path)), expected);
    // A wiped primary points nowhere: the backup is found at the disk's last sector.
    await fh.write(Buffer.alloc(512), 0, 512, 512);
    await fh.close();
    assert.deepEqual(pick(await read(path)), expected);
  });
});

test(
  'sfdisk reads the table without a complaint',
  { skip: hasSfdisk ? false : 'sfdisk is not installed' },
  async () => {
    await disk(async (path) => {
      await writeGpt(path, DISK, PARTS);
      const r = spawnSync('sfdisk', ['-J', path], { env: { ...process.env, PATH } });
      assert.equal(r.status, 0, r.stderr.toString());
      assert.equal(r.stderr.toString(), '');
      const t = JSON.parse(r.stdout.toString()) as {
        partitiontable: {
          label: string;
          id: string;
          firstlba: number;
          lastlba: number;
          partitions: { start: number; size: number; type: string; uuid: string; name: string }[];
        };
      };
      assert.equal(t.partitiontable.label, 'gpt');
      assert.equal(t.partitiontable.id, DISK);
      assert.equal(t.partitiontable.firstlba, 34);
      assert.equal(t.partitiontable.lastlba, 8 * 2048 - 34);
      assert.deepEqual(
        t.partitiontable.partitions.map((p) => [p.start, p.size, p.type, p.uuid, p.name]),
        PARTS.map((p) => [p.firstLba, p.lastLba - p.firstLba + 1, p.typeGuid, p.uniqueGuid, p.name]),
      );
    });
  },
);

test('a partition outside the usable sectors or a disk of partial sectors is refused', async () => {
  await disk(async (path) => {
    await assert.rejects(writeGpt(path, DISK, [{ ...PARTS[1]!, lastLba: 8 * 2048 - 2 }]), /outside 34-16350/);
    await truncate(path, 8 * 1024 * 1024 + 100);
    await assert.rejects(writeGpt(path, DISK, PARTS), /not whole sectors/);
  });
});

test('a valid primary table is read without touching the backup at the end of the disk', async () => {
  await disk(async (path) => {
    await writeGpt(path, DISK, PARTS);
    const dev = await FileBlockDevice.open(path);
    const offsets: number[] = [];
    try {
      const entries = await readGpt({
        label: dev.label,
        size: dev.size,
        read: (offset, length) => (offsets.push(offset), dev.read(offset, length)),
      });
      assert.equal(entries.length, 2);
    } finally {
      await dev.close();
    }
    assert.deepEqual(offsets, [512, 1024]);
  });
});
