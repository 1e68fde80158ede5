// The admin console in real headless Chromium against the real server over MariaDB: sign in, export and
// watch it complete, cancel a second export and resume it, change the schedule, export path and opt-out. Screenshots
// go to test-artifacts/browser/. A table lock held by the test keeps the second export running.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PoolConnection } from 'mysql2/promise';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createE2eSite, type E2eSite } from '../helpers/e2e-site.ts';
import { waitFor } from '../helpers/http.ts';
import { REPO_ROOT, startServer, stopAllServers, TEST_TOKEN, type RunningServer } from '../helpers/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SHOTS = join(REPO_ROOT, 'test-artifacts', 'browser');
// Generous: the machine may be running other suites; nothing here is a timing assertion.
const UI_TIMEOUT_MS = 60_000;

describe('the admin console in a browser', () => {
  let site: E2eSite | undefined;
  let server: RunningServer;
  let browser: Browser | undefined;
  let page: Page;
  let lock: PoolConnection | null = null;
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    site = await createE2eSite();
    server = await startServer({ env: { DATABASE_URL: site.db.url, SLUICE_IMPACT_BUDGET: '1', SOURCE_TIMEZONE: 'UTC', TZ: 'UTC' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, env: { ...process.env, TZ: 'UTC' } });
    const context = await browser.newContext({ viewport: { width: 1366, height: 820 }, acceptDownloads: true, timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
  });
  after(async () => {
    await lock?.query('UNLOCK TABLES').catch(() => undefined);
    lock?.release();
    await browser?.close();
    await stopAllServers();
    await site?.db.drop();
  });

  test('the sign-in page refuses a wrong token and signs in with an admin token into an HttpOnly cookie', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/admin/data-pipeline`);
    await shot('01-sign-in');
    await page.fill('#token', 'not-the-token');
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#signin .errors:has-text("not an admin token")');
    await page.fill('#token', TEST_TOKEN);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#job-card');
    const [cookie] = await page.context().cookies();
    assert.deepEqual([cookie.name, cookie.httpOnly, cookie.sameSite, cookie.path], ['sluice_token', true, 'Strict', '/']);
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the token');
    assert.equal(await page.textContent('#job .badge'), 'Not started');
    assert.deepEqual(errors, []);
  });

  test('Export with a fromDate starts a job whose progress bars reach Completed, with file links in the history', async () => {
    await page.fill('#export-from', '2024-03-01T09:00');
    await page.click('#export-button');
    await page.waitForSelector('#job[data-job-id="1"]');
    await page.waitForSelector('#job[data-status="COMPLETED"]');
    assert.equal(await page.textContent('#job .badge'), 'Completed');
    assert.equal(await page.locator('#job tr[data-entity] .bar.done').count(), 5);
    assert.match((await page.textContent('#job .jobline')) ?? '', /from 2024-03-01 09:00:00/);
    await page.waitForSelector('#history-body tr[data-job="1"] .badge:has-text("Completed")');
    assert.equal(await page.locator('#history-body tr[data-job="1"] .files a').count(), 5);
    await shot('02-completed');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#history-body tr[data-job="1"] .files a:has-text("Pages")')]);
    assert.match(download.suggestedFilename(), /^pages_job1_\d{4}_\d{2}_\d{2}T\d{2}_\d{2}_\d{2}Z\.csv$/);
    assert.equal(await download.failure(), null);
  });

  test('Cancel on a running export moves it to Cancellation requested, then Cancelled', async () => {
    lock = await site!.db.pool.getConnection();
    await lock.query('LOCK TABLES `BODYCONTENT` WRITE');
    await page.fill('#export-from', '2024-03-01T09:00');
    await page.click('#export-button');
    await page.waitForSelector('#job[data-job-id="2"][data-status="STARTED"]');
    await page.waitForSelector('#cancel-button:not([disabled])');
    assert.equal(await page.isDisabled('#export-button'), true, 'no second export while one runs');
    await page.waitForSelector('#job tr[data-entity="users"] .bar.done');
    await shot('03-running');
    await page.click('#cancel-button');
    await page.waitForSelector('#job .badge:has-text("Cancellation requested")');
    await shot('04-cancellation-requested');
    await lock.query('UNLOCK TABLES');
    await page.waitForSelector('#job[data-status="CANCELLED"]');
    assert.equal(await page.textContent('#job .badge'), 'Cancelled');
    await page.waitForSelector('#history-body tr[data-job="2"] .badge:has-text("Cancelled")');
    assert.equal((await server.api('/export')).body.status, 'CANCELLED');
  });

  test('Resume on the cancelled export shows what a resume keeps, and carries it on to Completed', async () => {
    await page.waitForSelector('#resume[data-job-id="2"]');
    assert.match((await page.textContent('#resume')) ?? '', /Job 2 was cancelled\. A resume keeps \d of 5 entities done and [\d,]+ rows written/);
    assert.ok(Number(await page.getAttribute('#resume', 'data-entities-done')) >= 1, 'users was done before the cancel');
    await shot('04b-resume-offered');
    await page.click('#resume-button');
    await page.waitForSelector('#job[data-job-id="3"]');
    await page.waitForSelector('#job[data-status="COMPLETED"]');
    assert.equal(await page.locator('#resume').count(), 0, 'nothing is left to resume');
    const { body } = await server.api('/history?offset=0&limit=10');
    const [resumed, first] = [3, 1].map((id) => body.values.find((job: any) => job.jobId === id));
    assert.equal(resumed.config.resumedFrom, 2);
    assert.equal(resumed.statistics.writtenRows, first.statistics.writtenRows, 'the same rows as the uninterrupted export of job 1, each once');
  });

  test('the schedule form saves days, interval and time, and shows the next run', async () => {
    for (const day of ['MONDAY', 'THURSDAY']) await page.click(`#schedule-card .days label[title="${day}"]`);
    await page.fill('#sched-weeks', '2');
    await page.fill('#sched-time', '03:30');
    await page.click('#schedule-card button[type=submit]');
    await page.waitForSelector('#next-run b');
    const saved = (await server.api('/config/schedule')).body;
    assert.deepEqual([saved.days, saved.repeatIntervalInWeeks, saved.time, saved.zoneId], [['MONDAY', 'THURSDAY'], 2, '03:30', 'UTC']);
    assert.match((await page.textContent('#next-run')) ?? '', /^Next export (Mon|Thu) \d{4}-\d{2}-\d{2} 03:30$/);
    assert.equal(await page.isChecked('#schedule-card input[value="MONDAY"]'), true);
    await shot('05-schedule');
  });

  test("a refused export path shows the server's reason, and opted-out spaces are saved as chips", async () => {
    await page.fill('#export-path-input', 'relative/path');
    await page.click('#export-path-card button[type=submit]');
    await page.waitForSelector('#export-path-card .errors:has-text("must be absolute")');
    await page.fill('#optout-keys', 'DOC, ~jsmith\nARCH');
    await page.click('#optout-card button[type=submit]');
    await waitFor(async () => ((await page.locator('#optout-card .chip').count()) === 3 ? true : undefined), { what: 'three opt-out chips' });
    assert.deepEqual((await server.api('/config/optout')).body.keys, ['DOC', '~jsmith', 'ARCH']);
    await shot('06-settings');
  });

  test('signing out returns to the sign-in page and the API no longer accepts the browser', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('#signin');
    const status = await page.evaluate(async () => (await fetch('/rest/datapipeline/latest/export')).status);
    assert.equal(status, 401);
  });
});
