// The later REST routes through app.request(): history, the export path (checked on real temporary
// directories) and how every configuration route treats bad bodies and missing headers.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { createAdminApp, runJobToCompletion as runJob, type AdminApp } from '../helpers/admin-app.ts';
import { eventually } from '../helpers/fakes.ts';

let current: AdminApp | null = null;
let scratch = '';
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'sluice-routes-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  await current?.kernel.close();
  current = null;
});

async function setUp() {
  current = await createAdminApp();
  return current;
}

test('GET /history answers an empty first page before any export', async () => {
  const { call } = await setUp();
  assert.deepEqual((await call('GET', '/history')).body, { values: [], offset: 0, limit: 10, size: 0, lastPage: true });
});

test('GET /history pages through jobs newest first and says which page is the last', async () => {
  const fakes = await setUp();
  for (const id of [1, 2, 3]) await runJob(fakes, id);
  const first = await fakes.call('GET', '/history?offset=0&limit=2');
  assert.equal(first.status, 200);
  assert.deepEqual(
    first.body.values.map((j: any) => [j.jobId, j.status]),
    [
      [3, 'COMPLETED'],
      [2, 'COMPLETED'],
    ],
  );
  assert.deepEqual({ ...first.body, values: undefined }, { values: undefined, offset: 0, limit: 2, size: 3, lastPage: false });
  const second = await fakes.call('GET', '/history?offset=2&limit=2');
  assert.deepEqual(
    second.body.values.map((j: any) => j.jobId),
    [1],
  );
  assert.equal(second.body.lastPage, true);
  assert.equal(first.body.values[0].owner, undefined, 'history shows the API status, not the journal record');
  assert.equal(first.body.values[0].statistics.writtenRows, 15);
});

test("GET /history refuses a bad offset or limit with 400 and the parameter's key", async () => {
  const { call } = await setUp();
  for (const [query, key] of [
    ['limit=0', 'invalid.limit'],
    ['limit=101', 'invalid.limit'],
    ['offset=-1', 'invalid.offset'],
    ['offset=abc', 'invalid.offset'],
    ['limit=1&limit=2', 'invalid.limit'],
    ['page=2', 'invalid.parameter'],
  ]) {
    const got = await call('GET', `/history?${query}`);
    assert.equal(got.status, 400, query);
    assert.deepEqual(
      got.body.errors.map((e: any) => e.key),
      [key],
      query,
    );
  }
});

test('the export path defaults to the home, a custom directory is used by the next job, and DELETE reverts', async () => {
  const fakes = await setUp();
  const dir = join(scratch, 'custom');
  await mkdir(dir);
  assert.deepEqual((await fakes.call('GET', '/config/export-path')).body, { rootExportPath: '/home/sluice/data-pipeline/export', customPathSet: false });
  const put = await fakes.call('PUT', '/config/export-path', { path: `${dir}/` });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(put.body, { rootExportPath: dir, customPathSet: true });
  assert.deepEqual((await fakes.call('GET', '/config/export-path')).body, { rootExportPath: dir, customPathSet: true });
  const job = await fakes.kernel.startExport({ fromDateMs: null, forceExport: false, schemaVersion: null });
  assert.equal(job.rootExportPath, dir);
  assert.equal(fakes.store.jobs.get(1)?.exportDir, join(dir, '1'));
  assert.deepEqual((await fakes.call('DELETE', '/config/export-path')).body, { rootExportPath: '/home/sluice/data-pipeline/export', customPathSet: false });
  for (const task of await fakes.runner.started(5)) task.succeed();
  await eventually(() => assert.equal(fakes.store.jobs.get(1)?.status, 'COMPLETED'));
});

test('an export path that is relative, climbs with .., is missing, is a file or goes through a link is refused with 400', async () => {
  const { call } = await setUp();
  const real = join(scratch, 'real');
  await mkdir(join(real, 'inner'), { recursive: true });
  await writeFile(join(scratch, 'a-file'), 'x');
  await symlink(real, join(scratch, 'link'));
  const cases: [unknown, RegExp][] = [
    [{ path: 'relative/dir' }, /must be absolute/],
    [{ path: `${real}/../real` }, /must not contain \.\./],
    [{ path: join(scratch, 'missing') }, /does not exist/],
    [{ path: join(scratch, 'a-file') }, /not a directory/],
    [{ path: join(scratch, 'link') }, /symbolic link/],
    [{ path: join(scratch, 'link', 'inner') }, /symbolic link/],
    [{ path: '' }, /1 to 4096 characters/],
  ];
  for (const [body, message] of cases) {
    const got = await call('PUT', '/config/export-path', body);
    assert.equal(got.status, 400, JSON.stringify(body));
    assert.equal(got.body.errors[0].key, 'invalid.path', JSON.stringify(body));
    assert.match(got.body.errors[0].message, message);
  }
  assert.equal((await call('GET', '/config/export-path')).body.customPathSet, false);
});

test('a wrong, truncated, empty or huge body gets 400 with a key, never a 500', async () => {
  const { call } = await setUp();
  const cases: [string, string | unknown, string][] = [
    ['PUT /config/export-path', '{"path": "/tmp"', 'invalid.body'],
    ['PUT /config/export-path', '', 'invalid.body'],
    ['PUT /config/export-path', 'null', 'invalid.body'],
    ['PUT /config/export-path', [1, 2], 'invalid.body'],
    ['PUT /config/export-path', { path: 5 }, 'invalid.path'],
    ['PUT /config/export-path', { path: '/tmp', extra: true }, 'invalid.extra'],
    ['PUT /config/schedule', '{"days":', 'invalid.body'],
    ['POST /config/optout', `{"type":"SPACE","keys":[${'"K",'.repeat(70_000)}"K"]}`, 'invalid.body'],
    ['PUT /config/schedule', 'x'.repeat(300_000), 'invalid.body'],
  ];
  for (const [route, body, key] of cases) {
    const [method, path] = route.split(' ');
    const got = await call(method, path, body);
    assert.equal(got.status, 400, `${route} ${String(JSON.stringify(body)).slice(0, 60)}`);
    assert.equal(got.body.errors[0].key, key, `${route} ${String(JSON.stringify(body)).slice(0, 60)}`);
    assert.equal(typeof got.body.errors[0].message, 'string');
  }
});

test('configuration routes check the token first, then the XSRF header on changes', async () => {
  const { call } = await setUp();
  assert.equal((await call('GET', '/config/schedule', undefined, { authorization: '' })).status, 401);
  assert.equal((await call('PUT', '/config/schedule', { days: ['MONDAY'] }, { authorization: '', 'x-atlassian-token': '' })).status, 401);
  assert.equal((await call('PUT', '/config/export-path', { path: scratch }, { 'x-atlassian-token': '' })).status, 403);
  assert.equal((await call('DELETE', '/config/optout', undefined, { 'x-atlassian-token': '' })).status, 403);
  assert.equal((await call('PATCH', '/config/schedule', {})).status, 405);
  assert.equal((await call('PUT', '/config/optout', {})).status, 405);
});
