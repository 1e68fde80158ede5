// The real server on a port against a real MariaDB site: POST, poll GET until COMPLETED, then the files.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { expectedConfluenceRows } from '../helpers/expected-confluence.ts';
import { createE2eSite, ENTITIES, exportRoot, listDir, listExports, modeOf, readJobFile, type E2eSite } from '../helpers/e2e-site.ts';
import { waitForJobEnd } from '../helpers/http.ts';
import { startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

const BASE_URL = 'https://wiki.example.com/confluence';

// SPEC section 6, written out here rather than taken from the code under test.
const HEADERS: Record<(typeof ENTITIES)[number], string> = {
  users: 'instance_url,user_id,user_name,user_fullname,user_email',
  spaces: 'space_key,instance_url,space_url,homepage_url,space_name,space_type,space_status,creator_id,last_modifier_id,created_date,updated_date',
  pages:
    'page_id,instance_url,space_key,page_url,page_type,page_title,page_status,page_content,page_parent_id,labels,page_version,creator_id,last_modifier_id,created_date,updated_date,last_update_description',
  comments: 'comment_id,instance_url,comment_url,page_id,parent_comment_id,comment_content,creator_id,last_modifier_id,created_date,updated_date',
  analytics_events: 'instance_url,event_id,event_name,created_date,event_author_id,event_space_key,event_container_id,event_content_id',
};

// SPEC section 2's status object; `progress` is Sluice's addition, `heartbeat` appears only while running.
const STATUS_FIELDS = [
  'startTime',
  'completedTime',
  'cancelledTime',
  'nodeId',
  'jobId',
  'status',
  'config',
  'statistics',
  'warnings',
  'errors',
  'rootExportPath',
  'progress',
];
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/;

/** `yyyy_MM_ddTHH_mm_ssZ` of an ISO time with an offset, in UTC, cut to the second. */
function stampOf(startTime: string): string {
  const d = new Date(startTime);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}T${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}Z`;
}

function parseCsv(text: string): string[][] {
  return parse(text, { bom: false, relax_quotes: false, relax_column_count: false, skip_empty_lines: false });
}

describe('a full export cycle on the real server', () => {
  let site: E2eSite | undefined;
  let server: RunningServer;
  let job: any;

  before(async () => {
    site = await createE2eSite();
    server = await startServer({
      env: { DATABASE_URL: site.db.url, SLUICE_IMPACT_BUDGET: '1', SOURCE_TIMEZONE: 'UTC', BASE_URL },
    });
  });
  after(async () => {
    await stopAllServers();
    await site?.db.drop();
  });

  test('GET /export answers {} before the first export', async () => {
    const { status, body } = await server.api('/export');
    assert.equal(status, 200);
    assert.deepEqual(body, {});
  });

  test('POST /export starts job 1 and GET /export reaches COMPLETED with statistics for the five entities', async () => {
    const started = await server.api(`/export?fromDate=${encodeURIComponent(site!.fromDate)}`, { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.jobId, 1);
    assert.equal(started.body.status, 'STARTED');
    assert.equal(started.body.nodeId, 'e2e-node');
    job = await waitForJobEnd(server.api, 1);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    assert.equal(job.startTime, started.body.startTime);
    assert.equal(job.errors, null);
    assert.notEqual(job.completedTime, null);
    assert.equal(job.cancelledTime, null);
    assert.equal(job.rootExportPath, exportRoot(server.home));
    assert.deepEqual(Object.keys(job.statistics.entities).sort(), [...ENTITIES].sort());
  });

  test('the final status carries exactly the documented fields, times with milliseconds and an offset', async () => {
    assert.deepEqual(Object.keys(job).sort(), [...STATUS_FIELDS].sort());
    for (const field of ['startTime', 'completedTime'] as const) assert.match(job[field], ISO_WITH_OFFSET, field);
    assert.equal(job.config.forcedExport, false);
    assert.match(job.config.exportFrom, /^2024-03-01T09:00(:00(\.000)?)?(Z|\+00:00)$/);
    for (const entity of ENTITIES) assert.equal(job.progress[entity].state, 'done', entity);
  });

  test('both base paths serve the same status, and the socket enforces the token and the XSRF header', async () => {
    const other = await server.api('/rest/datapipeline/1.0/export');
    assert.equal(other.status, 200);
    assert.deepEqual(other.body, job);
    assert.equal((await server.api('/export', { headers: { authorization: '' } })).status, 401);
    assert.equal((await server.api('/export', { headers: { authorization: 'Bearer wrong-token' } })).status, 401);
    assert.equal((await server.api('/export', { method: 'POST', headers: { 'x-atlassian-token': '' } })).status, 403);
    assert.equal((await server.api('/export')).body.jobId, 1, 'a refused POST starts nothing');
  });

  test('the job directory holds exactly the five files, named after the job and its start in UTC, and nothing temporary', async () => {
    const stamp = stampOf(job.startTime);
    const expected = ENTITIES.map((entity) => `${entity}_job1_${stamp}.csv`);
    assert.deepEqual((await listDir(join(exportRoot(server.home), '1'))).sort(), [...expected].sort());
    assert.deepEqual(
      (await listExports(server.home)).filter((name) => !name.endsWith('.csv')),
      [],
    );
    for (const entity of ENTITIES) assert.equal(job.statistics.entities[entity].file, `${entity}_job1_${stamp}.csv`);
  });

  test('the export directory is private (0700) and every file in it is 0600', async () => {
    const dir = join(exportRoot(server.home), '1');
    assert.equal((await modeOf(dir)).toString(8), '700');
    for (const name of await listDir(dir)) assert.equal((await modeOf(join(dir, name))).toString(8), '600', name);
  });

  test('each file starts with the exact header and holds as many data rows as its statistics say', async () => {
    let written = 0;
    for (const entity of ENTITIES) {
      const stats = job.statistics.entities[entity];
      const text = await readJobFile(server.home, 1, stats.file);
      assert.ok(text.startsWith(`${HEADERS[entity]}\r\n`), `${entity} header: ${JSON.stringify(text.slice(0, 200))}`);
      assert.ok(text.endsWith('\r\n'), `${entity} ends with CRLF`);
      const records = parseCsv(text);
      assert.deepEqual(records[0], HEADERS[entity].split(','));
      assert.equal(records.length - 1, stats.rows, `${entity} data rows`);
      assert.equal(Buffer.byteLength(text), stats.bytes, `${entity} bytes`);
      written += stats.rows;
    }
    assert.equal(job.statistics.writtenRows, written);
  });

  test('the files hold exactly the rows the fixture implies, cell by cell', async () => {
    const expected = expectedConfluenceRows(site!.fixture, {
      baseUrl: BASE_URL,
      fromDate: new Date(site!.fromDate),
      timezone: 'UTC',
      lineBreak: { preserve: false, escape: '\\n' },
    });
    for (const entity of ENTITIES) {
      const records = parseCsv(await readJobFile(server.home, 1, job.statistics.entities[entity].file));
      assert.equal(records.length, expected[entity].length, `${entity} record count`);
      records.forEach((record, i) => assert.deepEqual(record, expected[entity][i], `${entity} record ${i}`));
    }
  });

  test('a POST right after COMPLETED starts job 2 (202), never a 409', async () => {
    const next = await server.api('/export', { method: 'POST' });
    assert.equal(next.status, 202, JSON.stringify(next.body));
    assert.equal(next.body.jobId, 2);
    assert.equal(next.body.status, 'STARTED');
    assert.equal((await waitForJobEnd(server.api, 2)).status, 'COMPLETED');
  });
});
