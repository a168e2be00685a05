/// <reference lib="dom" />
// The dashboard in a real browser (Debian's chromium driven by playwright-core) on the demo
// estate: overview, image filters, an image's blast radius, waiving as operator and being
// refused as viewer. Screenshots are kept under test-artifacts/dashboard/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../../src/cli/testing.ts';
import { buildServer } from '../../src/server/app.ts';
import { createToken } from '../../src/server/auth/tokens.ts';
import type { TokenTables } from '../../src/server/auth/tokens.ts';
import { writeUnscannable } from '../../src/scan/store/scan-store.ts';
import type { UsageReportSet } from '../../src/store/queries/usage-explain.ts';
import { openStore } from '../../src/store/db.ts';
import type { Store } from '../../src/store/db.ts';
import { workflowStore } from '../../src/workflow/store/open.ts';
import { upsertFinding } from '../../src/workflow/store/violations.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** web/dist is missing or older than a dashboard source, so the test would see an old build. */
function dashboardBuildStale(): boolean {
  const built = join(root, 'web/dist/index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return e.name !== 'dist' && e.name !== 'node_modules' && newer(path);
      return statSync(path).mtimeMs > builtAt;
    });
  return newer(join(root, 'web'));
}
const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(root, 'test-artifacts', 'dashboard');
const skip = existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install chromium)`;
if (skip) console.error(`!!! dashboard browser tests SKIPPED: ${skip}`);

describe('dashboard in chromium on the demo estate', { skip }, () => {
  let dir: string;
  let db: string;
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  const tok: Record<string, string> = {};
  let oldImage: string;
  let unscannableScan: string;

  before(async () => {
    if (dashboardBuildStale())
      execFileSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'amw-dash-'));
    db = join(dir, 'amiwarden.db');
    execFileSync(process.execPath, [join(root, 'bin/amiwarden.js'), 'demo', '--db', db, '--quiet'], {
      cwd: dir,
      stdio: 'pipe',
    });
    store = await openStore(db);
    const tokens = store.db as unknown as Kysely<TokenTables>;
    tok.viewer = (await createToken(tokens, 'vera', 'viewer')).token;
    tok.operator = (await createToken(tokens, 'oscar', 'operator')).token;
    const row = await store.db
      .selectFrom('images')
      .select(['image_id', 'owner_id', 'region'])
      .where('deleted_at', 'is', null)
      .where('owner_facts', '=', 'known')
      .orderBy('creation_date')
      .limit(1)
      .executeTakeFirstOrThrow();
    oldImage = row.image_id;
    unscannableScan = await writeUnscannable(
      store,
      oldImage,
      `ami:${oldImage}`,
      'AWS Marketplace product prod-dash',
    );
    const wf = await workflowStore(store);
    await upsertFinding(
      wf,
      {
        policy: 'ami-age',
        group: 'dev',
        accountId: row.owner_id!,
        region: row.region,
        resourceId: oldImage,
        owner: 'team-web',
        why: 'older than 180 days',
        action: 'deregister',
      },
      new Date().toISOString(),
    );
    app = await buildServer({ store, target: db });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(token: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${base}/#/`);
    await page.fill('input[name=token]', token);
    await page.click('form.token-form button');
    await page.waitForSelector('[data-kpi=images] .kpi-value');
    (page as Page & { errors?: string[] }).errors = errors;
    return page;
  }

  test('the overview shows the demo numbers and its charts', async () => {
    const page = await signIn(tok.viewer!);
    const images = Number(await page.textContent('[data-kpi=images] .kpi-value'));
    const expected = await store.db
      .selectFrom('images')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('deleted_at', 'is', null)
      .where('owner_facts', '=', 'known')
      .executeTakeFirstOrThrow();
    assert.equal(images, Number(expected.n));
    assert.ok(images > 0);
    assert.equal(await page.locator('#chart-age').count(), 1);
    assert.ok((await page.locator('#old-in-use tbody tr').count()) > 0, 'old images in use are listed');
    await page.screenshot({ path: join(artifacts, 'overview.png'), fullPage: true });
    assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
    await page.close();
  });

  test('images can be filtered, and an image opens with its blast radius', async () => {
    const page = await signIn(tok.viewer!);
    await page.click('nav a[data-nav=images]');
    await page.waitForSelector('#images-table tbody tr');
    const all = Number((await page.textContent('#images-count'))!.split(' ')[0]);
    await page.selectOption('select[name=in_use]', 'true');
    await page.click('#image-filters button[type=submit]');
    await page.waitForFunction(
      (n) => Number(document.querySelector('#images-count')?.textContent?.split(' ')[0]) < n,
      all,
    );
    const inUse = Number((await page.textContent('#images-count'))!.split(' ')[0]);
    assert.ok(inUse > 0 && inUse < all, `${inUse} in use of ${all}`);
    const badges = await page.locator('#images-table tbody tr td:nth-child(7)').allTextContents();
    assert.ok(
      badges.every((b) => /refs/.test(b)),
      'every listed image is in use',
    );
    await page.screenshot({ path: join(artifacts, 'images-in-use.png'), fullPage: true });
    await page.click('#images-table tbody tr:first-child td:first-child a');
    await page.waitForSelector('#blast-radius');
    const refs = await page.locator('#usage-table tbody tr').count();
    assert.ok(refs > 0);
    assert.ok(
      (await page.locator('#blast-radius rect.node.use').count()) > 0,
      'references that count as use are drawn',
    );
    await page.screenshot({ path: join(artifacts, 'image.png'), fullPage: true });
    await page.close();
  });

  test('an image in use says why, as amiwarden usage does, and what breaks if it is retired', async () => {
    // The image with the most in-use references: every kind of row the explanation has.
    const busiest = await store.db
      .selectFrom('image_usage')
      .select((eb) => ['image_id', eb.fn.countAll<number>().as('n')])
      .where('in_use', '=', 1)
      .groupBy('image_id')
      .orderBy('n', 'desc')
      .orderBy('image_id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const id = busiest.image_id!;
    const page = await signIn(tok.viewer!);
    await page.goto(`${base}/#/images/${id}`);
    await page.waitForSelector('#usage-verdict');
    const now = new Date().toISOString();
    const cli = await runCli(['usage', '--db', db, '--now', now, '--what-breaks', '-f', 'json', id]);
    assert.equal(cli.code, 0, cli.stderr);
    const report = (JSON.parse(cli.stdout) as UsageReportSet).images[0]!;
    assert.equal(report.verdict.status, 'in-use');
    assert.equal(
      (await page.textContent('#usage-verdict'))!.replace(/\s+/g, ' ').trim(),
      `in use ${report.verdict.text}`,
    );
    assert.deepEqual(await page.locator('#what-breaks th').allTextContents(), [
      'account',
      'region',
      'kind',
      'reference',
      'effect',
      'via',
      'consequence',
    ]);
    const rows = await page
      .locator('#what-breaks tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
      );
    assert.deepEqual(
      rows,
      report.what_breaks!.map((b) => [
        b.account_id,
        b.region,
        b.kind,
        b.ref_id,
        b.effect,
        b.via,
        b.consequence,
      ]),
    );
    assert.ok(rows.length > 0);
    const stale = report.references.filter((r) => r.stale).length;
    assert.equal(await page.locator('#usage-table .badge:has-text("stale")').count(), stale);
    assert.equal(await page.locator('#usage-unknown li').count(), report.unknown.length);
    await page.screenshot({ path: join(artifacts, 'image-usage.png'), fullPage: true });
    assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
    await page.close();
  });

  test('an image page marks stale references, re-asks with another threshold, and warns where usage is unknown', async () => {
    const explain = async (...args: string[]) => {
      const now = new Date().toISOString();
      const cli = await runCli(['usage', '--db', db, '--now', now, '-f', 'json', ...args]);
      assert.equal(cli.code, 0, cli.stderr);
      return (JSON.parse(cli.stdout) as UsageReportSet).images;
    };
    const all = await explain('--name', '*');
    const stale = all.find((i) => i.references.some((r) => r.stale))!;
    const unknown = all.find((i) => i.verdict.status === 'unknown')!;
    assert.ok(stale && unknown, 'the demo estate has a stale reference and an unknown answer');
    const page = await signIn(tok.viewer!);
    const staleBadges = () =>
      page.locator('#usage-table tbody tr:has(.badge:has-text("stale")) td:nth-child(2)').allTextContents();
    const staleIds = (refs: typeof stale.references) =>
      refs.filter((r) => r.stale).map((r) => `${r.ref_id} stale`);
    await page.goto(`${base}/#/images/${stale.image.image_id}`);
    await page.waitForSelector('#usage-verdict');
    assert.deepEqual(await staleBadges(), staleIds(stale.references));
    assert.equal(await page.inputValue('#stale-days-form input[name=stale_days]'), '180');
    await page.fill('#stale-days-form input[name=stale_days]', '0');
    await page.click('#stale-days-form button');
    const strict = (await explain('--stale-days', '0', stale.image.image_id))[0]!;
    await page.waitForFunction(
      (text) => document.querySelector('#usage-verdict')?.textContent?.endsWith(text),
      strict.verdict.text,
    );
    assert.deepEqual(await staleBadges(), staleIds(strict.references));
    assert.equal(await page.inputValue('#stale-days-form input[name=stale_days]'), '0');
    await page.goto(`${base}/#/images/${unknown.image.image_id}`);
    await page.waitForSelector('#usage-unknown');
    assert.match(
      (await page.textContent('#usage-verdict'))!,
      /^unknown unknown: no use in the collected accounts/,
    );
    assert.deepEqual(
      await page.locator('#usage-unknown li').allTextContents(),
      unknown.unknown.map((u) => `${u.region ? `${u.account_id} ${u.region}` : u.account_id}: ${u.reason}`),
    );
    await page.screenshot({ path: join(artifacts, 'image-usage-unknown.png'), fullPage: true });
    assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
    await page.close();
  });

  test('a viewer sees no waive form and the API refuses the waiver', async () => {
    const page = await signIn(tok.viewer!);
    await page.goto(`${base}/#/violations`);
    await page.waitForSelector('#violations-table tbody tr');
    assert.equal(await page.locator('form.waive').count(), 0);
    const status = await page.evaluate(async () => {
      const list = (await (
        await fetch('/api/violations', {
          headers: { authorization: `Bearer ${sessionStorage.getItem('amiwarden.token')}` },
        })
      ).json()) as { id: string }[];
      const res = await fetch(`/api/violations/${list[0]!.id}/waive`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sessionStorage.getItem('amiwarden.token')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ reason: 'viewer tries anyway' }),
      });
      return res.status;
    });
    assert.equal(status, 403);
    await page.screenshot({ path: join(artifacts, 'violations-viewer.png'), fullPage: true });
    await page.close();
  });

  test('an operator waives a violation from the dashboard', async () => {
    const page = await signIn(tok.operator!);
    await page.goto(`${base}/#/violations`);
    await page.waitForSelector('form.waive');
    await page.fill('form.waive input[name=reason]', 'replacement image ships next sprint');
    await page.click('form.waive button');
    await page.waitForSelector(
      '#violations-table tbody tr td:nth-child(9):has-text("waived by token:oscar")',
    );
    assert.equal(await page.locator('form.waive').count(), 0, 'a waived violation offers no second waiver');
    await page.goto(`${base}/#/violations?state=waived`);
    await page.waitForSelector('#violations-table tbody tr td:nth-child(7) .badge');
    assert.match((await page.textContent('#violations-table tbody tr'))!, /waived by token:oscar/);
    await page.screenshot({ path: join(artifacts, 'violations-waived.png'), fullPage: true });
    await page.close();
  });

  test('an unscannable image says so on its image page, the scans list and the scan page', async () => {
    const page = await signIn(tok.viewer!);
    await page.goto(`${base}/#/images/${oldImage}`);
    await page.waitForSelector('#image-unscannable');
    assert.match(
      (await page.textContent('#image-unscannable'))!,
      /unscannable: AWS Marketplace product prod-dash/,
    );
    // Both scan tables show the same summary columns; an unscannable scan's counts are dashes, not zeros.
    const summary = ['when', 'OS', 'completeness', 'pass', 'fail', 'manual', 'errors'];
    assert.deepEqual(await page.locator('#image-scans th').allTextContents(), ['scan', ...summary]);
    const imageRow = page.locator(`#image-scans tbody tr:has(a[href="#/scans/${unscannableScan}"])`);
    assert.deepEqual((await imageRow.locator('td').allTextContents()).slice(4), ['—', '—', '—', '—']);
    await page.goto(`${base}/#/scans`);
    const link = `#scans-list a[href="#/scans/${unscannableScan}"]`;
    await page.waitForSelector(link);
    assert.deepEqual(await page.locator('#scans-list th').allTextContents(), [
      'scan',
      'image',
      ...summary,
      'packages',
    ]);
    const row = page.locator(`#scans-list tbody tr:has(a[href="#/scans/${unscannableScan}"])`);
    assert.match((await row.textContent())!, /unscannable: AWS Marketplace product prod-dash/);
    assert.deepEqual((await row.locator('td').allTextContents()).slice(5), ['—', '—', '—', '—', '—']);
    await page.click(link);
    await page.waitForSelector('#scan-unscannable');
    assert.equal(await page.locator('#scan-sections').count(), 0, 'no empty verdict tables');
    await page.screenshot({ path: join(artifacts, 'scan-unscannable.png'), fullPage: true });
    await page.close();
  });

  test('the SQL console runs a query and shows a refusal for a write', async () => {
    const page = await signIn(tok.viewer!);
    await page.goto(`${base}/#/sql`);
    await page.click('#sql-run');
    await page.waitForSelector('#sql-result table');
    assert.ok((await page.locator('#sql-result tbody tr').count()) > 0);
    await page.fill('#sql-editor', 'delete from images');
    await page.click('#sql-run');
    await page.waitForSelector('#sql-result .error');
    await page.screenshot({ path: join(artifacts, 'sql.png'), fullPage: true });
    await page.close();
  });
});
