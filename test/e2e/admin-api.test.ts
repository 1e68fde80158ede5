// The administrator's routes on the real server over MariaDB: opted-out spaces and a custom export path
// applied to a real export (files compared cell by cell), history with file downloads, and the schedule
// in the server's own time zone.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { expectedConfluenceRows } from '../helpers/expected-confluence.ts';
import { createE2eSite, ENTITIES, type E2eSite } from '../helpers/e2e-site.ts';
import { waitForJobEnd } from '../helpers/http.ts';
import { startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

const BASE_URL = 'https://wiki.example.com/confluence';
// Planted spaces with pages, comments and events in them (test/fixtures/confluence-fixture.ts).
const OPTED_OUT = ['DOC', '~jsmith'];

describe("the administrator's routes on the real server", () => {
  let site: E2eSite | undefined;
  let server: RunningServer;
  let customRoot = '';
  let job: any;

  before(async () => {
    site = await createE2eSite();
    customRoot = await mkdtemp(join(tmpdir(), 'sluice-custom-root-'));
    server = await startServer({ env: { DATABASE_URL: site.db.url, SLUICE_IMPACT_BUDGET: '1', SOURCE_TIMEZONE: 'UTC', BASE_URL, TZ: 'Europe/Berlin' } });
  });
  after(async () => {
    await stopAllServers();
    await site?.db.drop();
    if (customRoot) await rm(customRoot, { recursive: true, force: true });
  });

  test('opted-out spaces and a custom export path are saved on the shared home', async () => {
    const optOut = await server.api('/config/optout', { method: 'POST', body: JSON.stringify({ type: 'SPACE', keys: OPTED_OUT }) });
    assert.equal(optOut.status, 200, JSON.stringify(optOut.body));
    const path = await server.api('/config/export-path', { method: 'PUT', body: JSON.stringify({ path: customRoot }) });
    assert.deepEqual(path.body, { rootExportPath: customRoot, customPathSet: true });
    const files = await readdir(join(server.home, 'data-pipeline', 'settings'));
    assert.deepEqual(files.filter((f) => f.endsWith('.json')).sort(), ['export-path.json', 'optout.json']);
  });

  test('the export leaves the opted-out spaces, their pages, comments and events out of every file, in the custom path', async () => {
    const started = await server.api(`/export?fromDate=${encodeURIComponent(site!.fromDate)}`, { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.rootExportPath, customRoot);
    job = await waitForJobEnd(server.api, started.body.jobId);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const options = { baseUrl: BASE_URL, fromDate: new Date(site!.fromDate), timezone: 'UTC', lineBreak: { preserve: false, escape: '\\n' } };
    const expected = expectedConfluenceRows(site!.fixture, { ...options, optedOutSpaceKeys: OPTED_OUT });
    const everything = expectedConfluenceRows(site!.fixture, options);
    for (const entity of ['spaces', 'pages', 'comments', 'analytics_events'] as const) {
      assert.ok(everything[entity].length > expected[entity].length, `the opted-out spaces hold ${entity}`);
    }
    for (const entity of ENTITIES) {
      const text = await readFile(join(customRoot, String(job.jobId), job.statistics.entities[entity].file), 'utf8');
      const records = parse(text) as string[][];
      assert.equal(records.length, expected[entity].length, `${entity} record count`);
      records.forEach((record, i) => assert.deepEqual(record, expected[entity][i], `${entity} record ${i}`));
    }
  });

  test('GET /history lists the job and its files download byte for byte', async () => {
    const history = await server.api('/history?limit=5');
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.values.map((j: any) => [j.jobId, j.status]),
      [[job.jobId, 'COMPLETED']],
    );
    assert.equal(history.body.lastPage, true);
    const file = job.statistics.entities.pages.file;
    const response = await fetch(`${server.url}/rest/datapipeline/latest/history/${job.jobId}/files/${encodeURIComponent(file)}`, {
      headers: { authorization: 'Bearer e2e-admin-token' },
    });
    assert.equal(response.status, 200);
    assert.equal(Buffer.compare(Buffer.from(await response.arrayBuffer()), await readFile(join(customRoot, String(job.jobId), file))), 0);
  });

  test("the schedule runs on the server's zone, which GET reports with the next run", async () => {
    const put = await server.api('/config/schedule', { method: 'PUT', body: JSON.stringify({ days: ['SATURDAY'], repeatIntervalInWeeks: 1, time: '03:15' }) });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const got = (await server.api('/config/schedule')).body;
    assert.equal(got.zoneId, 'Europe/Berlin');
    assert.match(got.nextRunTime, /^\d{4}-\d{2}-\d{2}T03:15:00\.000\+0[12]:00$/);
    const next = new Date(got.nextRunTime);
    // A Saturday in Berlin, within the coming week.
    assert.equal(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', weekday: 'long' }).format(next), 'Saturday');
    assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 7 * 86_400_000);
    assert.equal((await server.api('/config/schedule', { method: 'DELETE' })).body.nextRunTime, null);
  });

  test('bad configuration bodies get 400 over the socket and leave the saved settings alone', async () => {
    const truncated = await server.api('/config/export-path', { method: 'PUT', body: '{"path":"/t' });
    assert.equal(truncated.status, 400);
    assert.equal(truncated.body.errors[0].key, 'invalid.body');
    const huge = await server.api('/config/optout', { method: 'POST', body: JSON.stringify({ type: 'SPACE', keys: Array(60_000).fill('KEY') }) });
    assert.equal(huge.status, 400);
    assert.deepEqual((await server.api('/config/optout')).body.keys, OPTED_OUT);
    assert.equal((await server.api('/config/export-path')).body.rootExportPath, customRoot);
  });
});
