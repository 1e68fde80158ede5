// The REST API of SPEC section 2 through app.request(): the real app and kernel on in-memory ports.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { createTokenCheck } from '../../core/http/token-check.ts';
import { createAppOnFakes } from '../helpers/admin-app.ts';
import { createFakeHost, createFakeRunner, createKernelOnFakes, eventually, type KernelOnFakes } from '../helpers/fakes.ts';

const TOKEN = 's3cret-admin-token';
const LATEST = '/rest/datapipeline/latest';
// 2024-03-05T14:07:09.917Z: every test's "now" on the fake host.
const NOW = Date.UTC(2024, 2, 5, 14, 7, 9, 917);

interface Call {
  status: number;
  /** Parsed JSON, whatever the route returned: the assertions check its shape. */
  body: any;
  contentType: string | null;
}

let current: KernelOnFakes | null = null;

afterEach(async () => {
  await current?.kernel.close();
  current = null;
});

async function setUp(env: Record<string, string> = {}, runner: { ignoreCancel?: boolean } = {}) {
  current = createKernelOnFakes({ env: { SLUICE_MIN_FREE_DISK: '1GB', ...env }, runner: createFakeRunner(runner), host: createFakeHost({ nowMs: NOW }) });
  const fakes = current;
  const app = await createAppOnFakes(fakes, { checkToken: await createTokenCheck([TOKEN]), now: () => fakes.host.now().getTime() });
  const call = async (method: string, path: string, headers: Record<string, string> = {}): Promise<Call> => {
    const all: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'x-atlassian-token': 'no-check', ...headers };
    for (const [name, value] of Object.entries(all)) if (value === '') delete all[name];
    const response = await app.request(path.startsWith('/rest') || path.startsWith('/x') ? path : `${LATEST}${path}`, { method, headers: all });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text), contentType: response.headers.get('content-type') };
  };
  /** Lets every started entity task finish with a few rows. */
  const completeAll = async () => {
    const tasks = await fakes.runner.started(5);
    for (const task of tasks) task.succeed({ rows: 3, scanned: 4, bytes: 100 });
    await eventually(async () => assert.equal((await call('GET', '/export')).body.status, 'COMPLETED'));
  };
  return { ...fakes, call, completeAll };
}

test('both base paths serve the same export routes', async () => {
  const { call } = await setUp();
  for (const base of ['/rest/datapipeline/latest', '/rest/datapipeline/1.0']) {
    const got = await call('GET', `${base}/export`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, {});
  }
});

const unauthorised: [string, Record<string, string>][] = [
  ['no Authorization header', { authorization: '' }],
  ['a wrong token', { authorization: 'Bearer not-the-token' }],
  ['a Basic scheme with the right token', { authorization: `Basic ${TOKEN}` }],
  ['the bare token without a scheme', { authorization: TOKEN }],
];

for (const [what, headers] of unauthorised) {
  test(`a request with ${what} gets 401 on every route, before any other check`, async () => {
    const { call, runner } = await setUp();
    const requests: [string, string][] = [
      ['GET', '/export'],
      ['POST', '/export?fromDate=garbage'],
      ['DELETE', '/export?jobId=abc'],
      ['PATCH', '/export'],
      ['GET', '/no-such-route'],
    ];
    for (const [method, path] of requests) {
      const got = await call(method, path, { 'x-atlassian-token': '', ...headers });
      assert.equal(got.status, 401, `${method} ${path}`);
      assert.equal(got.body.errors[0].key, 'unauthorized');
    }
    assert.equal(runner.tasks.length, 0);
  });
}

test('POST and DELETE without X-Atlassian-Token: no-check get 403 and start nothing', async () => {
  const { call, store } = await setUp();
  assert.equal((await call('POST', '/export', { 'x-atlassian-token': '' })).status, 403);
  assert.equal((await call('POST', '/export', { 'x-atlassian-token': 'nocheck' })).status, 403);
  assert.equal((await call('DELETE', '/export', { 'x-atlassian-token': '' })).status, 403);
  assert.equal(store.jobs.size, 0);
});

test('GET needs no X-Atlassian-Token header', async () => {
  const { call } = await setUp();
  assert.equal((await call('GET', '/export', { 'x-atlassian-token': '' })).status, 200);
});

test('GET /export returns {} before the first export ever', async () => {
  const { call } = await setUp();
  const got = await call('GET', '/export');
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, {});
});

test('POST /export returns 202 with the new job status, field by field as SPEC section 2 names them', async () => {
  const { call } = await setUp();
  const got = await call('POST', '/export?fromDate=2020-12-30T22:01%2B01:00');
  assert.equal(got.status, 202);
  assert.match(got.contentType ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(got.body).sort(), [
    'cancelledTime',
    'completedTime',
    'config',
    'errors',
    'jobId',
    'nodeId',
    'progress',
    'rootExportPath',
    'startTime',
    'statistics',
    'status',
    'warnings',
  ]);
  assert.equal(got.body.startTime, '2024-03-05T14:07:09.917+00:00');
  assert.equal(got.body.completedTime, null);
  assert.equal(got.body.cancelledTime, null);
  assert.equal(got.body.nodeId, 'node1');
  assert.equal(got.body.jobId, 1);
  assert.equal(got.body.status, 'STARTED');
  assert.equal(got.body.config.exportFrom, '2020-12-30T21:01:00+00:00');
  assert.equal(got.body.config.forcedExport, false);
  // schemaVersion is the one addition: Jira sites export in two schema versions (SPEC section 10).
  assert.deepEqual(Object.keys(got.body.config).sort(), ['exportFrom', 'forcedExport', 'schemaVersion']);
  assert.equal(got.body.statistics, null);
  assert.equal(got.body.warnings, null);
  assert.equal(got.body.errors, null);
  assert.equal(got.body.rootExportPath, '/home/sluice/data-pipeline/export');
});

test('every time in a job status carries milliseconds and an offset', async () => {
  const { call, completeAll } = await setUp();
  await call('POST', '/export');
  await completeAll();
  const got = await call('GET', '/export');
  const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;
  assert.match(got.body.startTime, isoWithOffset);
  assert.match(got.body.completedTime, isoWithOffset);
  assert.equal(got.body.cancelledTime, null);
});

test('without fromDate the export starts 365 days back, cut to whole minutes', async () => {
  const { call } = await setUp();
  const got = await call('POST', '/export');
  // 2024-03-05T14:07:09.917Z minus 365 days (2024 is a leap year) is 2023-03-06T14:07:09.917Z.
  assert.equal(got.body.config.exportFrom, '2023-03-06T14:07:00+00:00');
});

test('forceExport=true is recorded as forcedExport', async () => {
  const { call } = await setUp();
  const got = await call('POST', '/export?forceExport=true');
  assert.equal(got.status, 202);
  assert.equal(got.body.config.forcedExport, true);
});

test("POST /export returns 409 with the running job's status while a job runs", async () => {
  const { call } = await setUp();
  await call('POST', '/export');
  const got = await call('POST', '/export');
  assert.equal(got.status, 409);
  assert.equal(got.body.jobId, 1);
  assert.equal(got.body.status, 'STARTED');
  assert.equal(got.body.startTime, '2024-03-05T14:07:09.917+00:00');
});

test('a POST right after a client sees COMPLETED starts the next job with the next id', async () => {
  const { call, completeAll } = await setUp();
  assert.equal((await call('POST', '/export')).body.jobId, 1);
  await completeAll();
  const got = await call('POST', '/export');
  assert.equal(got.status, 202);
  assert.equal(got.body.jobId, 2);
  assert.equal(got.body.status, 'STARTED');
});

test('low free disk space fails the POST with 422 and the FAILED job, even with forceExport', async () => {
  const { call, host, runner } = await setUp();
  host.free = 1024 ** 3 - 1;
  for (const query of ['', '?forceExport=true']) {
    const got = await call('POST', `/export${query}`);
    assert.equal(got.status, 422);
    assert.equal(got.body.status, 'FAILED');
    assert.match(got.body.completedTime, /^\d{4}-.*[+-]\d{2}:\d{2}$/);
    assert.equal(got.body.errors[0].key, 'export.disk.space.insufficient');
  }
  assert.equal(runner.tasks.length, 0);
  assert.equal((await call('GET', '/export')).body.jobId, 2);
});

test('a failed pre-validation gets 422 with key export.pre.validation.failed', async () => {
  const { call, runner } = await setUp({ INDEX_JOURNAL_FILE: '/confluence/journal/main_index' });
  const got = await call('POST', '/export');
  assert.equal(got.status, 422);
  assert.equal(got.body.status, 'FAILED');
  assert.equal(got.body.errors.length, 1);
  assert.equal(got.body.errors[0].key, 'export.pre.validation.failed');
  assert.equal(runner.tasks.length, 0);
});

test('forceExport=true starts the export with the pre-validation problem as a warning', async () => {
  const { call } = await setUp({ INDEX_JOURNAL_FILE: '/confluence/journal/main_index' });
  const got = await call('POST', '/export?forceExport=true');
  assert.equal(got.status, 202);
  assert.equal(got.body.status, 'STARTED');
  assert.equal(got.body.errors, null);
  assert.equal(got.body.warnings[0].key, 'export.pre.validation.failed');
});

test('an unreachable site database fails the POST with 422 and key export.source.unavailable', async () => {
  const { call, openDb, runner } = await setUp();
  openDb.failWith = new Error("Cannot connect to the site's database at mysql://root@127.0.0.1:3306/site: ECONNREFUSED");
  const got = await call('POST', '/export');
  assert.equal(got.status, 422);
  assert.equal(got.body.status, 'FAILED');
  assert.equal(got.body.errors[0].key, 'export.source.unavailable');
  assert.equal(runner.tasks.length, 0);
});

test('DELETE /export answers 200, the job shows CANCELLATION_REQUESTED, then CANCELLED', async () => {
  // Tasks that only stop when the test says so, to see the state between the request and the stop.
  const { call, runner } = await setUp({}, { ignoreCancel: true });
  await call('POST', '/export');
  const tasks = await runner.started(5);
  const got = await call('DELETE', '/export');
  assert.equal(got.status, 200);
  assert.deepEqual(Object.keys(got.body).sort(), ['jobId', 'message', 'status']);
  assert.equal(got.body.jobId, 1);
  assert.equal(got.body.status, 'OK');
  assert.equal(typeof got.body.message, 'string');
  assert.equal((await call('GET', '/export')).body.status, 'CANCELLATION_REQUESTED');
  for (const task of tasks) task.fail('cancelled', 'cancelled');
  const done = await eventually(async () => {
    const status = await call('GET', '/export');
    assert.equal(status.body.status, 'CANCELLED');
    return status.body;
  });
  assert.equal(done.cancelledTime, done.completedTime);
  assert.notEqual(done.cancelledTime, null);
});

test('DELETE /export answers 409 WARNING when nothing runs, before and after a job', async () => {
  const { call, completeAll } = await setUp();
  const before = await call('DELETE', '/export');
  assert.equal(before.status, 409);
  assert.equal(before.body.status, 'WARNING');
  assert.equal(typeof before.body.message, 'string');
  await call('POST', '/export');
  await completeAll();
  const after = await call('DELETE', '/export?jobId=1');
  assert.equal(after.status, 409);
  assert.deepEqual(Object.keys(after.body).sort(), ['message', 'status']);
});

for (const jobId of ['abc', '0', '-1', '1.5', '', '1e3']) {
  test(`DELETE /export?jobId=${jobId} is a 400 naming jobId`, async () => {
    const { call } = await setUp();
    const got = await call('DELETE', `/export?jobId=${jobId}`);
    assert.equal(got.status, 400);
    assert.equal(got.body.errors[0].key, 'invalid.jobId');
    assert.match(got.body.errors[0].message, /jobId/);
  });
}

test('wrong methods on /export get 405 and unknown routes 404, both as JSON', async () => {
  const { call } = await setUp();
  for (const method of ['PUT', 'PATCH']) {
    const got = await call(method, '/export');
    assert.equal(got.status, 405, method);
    assert.equal(got.body.errors[0].key, 'method.not.allowed');
  }
  for (const path of [`${LATEST}/nothing-here`, '/rest/datapipeline/1.0/export/extra', '/x/unrelated']) {
    const got = await call('GET', path);
    assert.equal(got.status, 404, path);
    assert.match(got.contentType ?? '', /^application\/json/);
    assert.equal(got.body.errors[0].key, 'not.found');
  }
});
