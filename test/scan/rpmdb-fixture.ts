import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { RPMTAG, buildRpmHeader } from '../../src/scan/packages/rpm-header.ts';
import type { HeaderValue } from '../../src/scan/packages/rpm-header.ts';

/** One package for an rpmdb.sqlite built at test time (git cannot hold the binary database readably). */
export interface RpmFixturePackage {
  readonly name: string;
  readonly version: string | number;
  readonly release: string | number;
  readonly arch?: string;
  readonly epoch?: number;
  readonly sourcerpm?: string;
  readonly license?: string;
}

/** Writes an rpmdb.sqlite with rpm's Packages table (hnum, blob) holding real header blobs. */
export function writeRpmdbSqlite(file: string, packages: readonly RpmFixturePackage[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
    db.exec('CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    const name = db.prepare('INSERT INTO Name (key, hnum, idx) VALUES (?, ?, 0)');
    for (const p of packages) {
      const tags: Array<[number, HeaderValue]> = [
        [RPMTAG.NAME, p.name],
        [RPMTAG.VERSION, String(p.version)],
        [RPMTAG.RELEASE, String(p.release)],
      ];
      if (p.arch) tags.push([RPMTAG.ARCH, p.arch]);
      if (p.epoch !== undefined) tags.push([RPMTAG.EPOCH, p.epoch]);
      if (p.sourcerpm) tags.push([RPMTAG.SOURCERPM, p.sourcerpm]);
      if (p.license) tags.push([RPMTAG.LICENSE, p.license]);
      const r = insert.run(buildRpmHeader(tags));
      name.run(p.name, r.lastInsertRowid);
    }
  } finally {
    db.close();
  }
}
