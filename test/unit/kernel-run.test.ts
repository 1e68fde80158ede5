// The kernel running one job on fakes: tasks, statistics, progress, failures, disk space and the final record.
import assert from 'node:assert/strict';
import { afterEach, test, type TestContext } from 'node:test';
import { isTerminal } from '../../core/job/status.ts';
import type { ExportParams } from '../../core/job/kernel.ts';
import { CONFLUENCE_TABLES, createFakeOpenDb, createFakeRunner, createKernelOnFakes, eventually, type KernelOnFakes } from '../helpers/fakes.ts';

const PARAMS: ExportParams = { fromDateMs: null, forceExport: false, schemaVersion: null };
const ENTITIES = ['users', 'spaces', 'pages', 'comments', 'analytics_events'];
// The kernel saves progress and checks disk space and cancel markers on this beat.
const HEARTBEAT_MS = 1000;

let current: KernelOnFakes | null = null;

afterEach(async () => {
  await current?.kernel.close();
  current = null;
});

function setUp(options: Parameters<typeof createKernelOnFakes>[0] = {}) {
  current = createKernelOnFakes({ ...options, env: { SLUICE_MIN_FREE_DISK: '1GB', ...options.env } });
  return current;
}

/** Lets the heartbeat fire once and waits until it has saved. */
async function beat(t: TestContext, fakes: KernelOnFakes) {
  const before = fakes.store.writes.length;
  t.mock.timers.tick(HEARTBEAT_MS);
  await eventually(() => assert.ok(fakes.store.writes.length > before, 'the heartbeat saved the job'));
}

const finalOf = async (fakes: KernelOnFakes, jobId = 1) =>
  eventually(() => {
    const record = fakes.store.jobs.get(jobId);
    assert.ok(record && isTerminal(record.status), `job ${jobId} is ${record?.status}`);
    return record;
  });

test('one task starts per entity, each writing its own file in the job directory', async () => {
  const { kernel, runner } = setUp();
  const started = await kernel.startExport(PARAMS);
  const tasks = await runner.started(5);
  assert.deepEqual(
    tasks.map((t) => t.task.entity),
    ENTITIES,
  );
  for (const { task } of tasks) {
    assert.equal(task.dir, '/home/sluice/data-pipeline/export/1');
    assert.equal(task.fileName, `${task.entity}_job1_2024_03_05T14_07_09Z.csv`);
    assert.equal(task.ctx.fromMs, Date.parse('2023-03-06T14:07:00Z'));
  }
  assert.equal(started.status, 'STARTED');
});

test('a completed job carries per-entity statistics and the totals of rows read and written', async () => {
  const fakes = setUp();
  await fakes.kernel.startExport(PARAMS);
  const tasks = await fakes.runner.started(5);
  tasks.forEach((t, i) => t.succeed({ rows: 10 * (i + 1), scanned: 10 * (i + 1) + 1, bytes: 1000 + i, durationMs: 50 + i }));
  const record = await finalOf(fakes);
  assert.equal(record.status, 'COMPLETED');
  assert.deepEqual(record.statistics, {
    exportedEntities: 11 + 21 + 31 + 41 + 51,
    writtenRows: 10 + 20 + 30 + 40 + 50,
    entities: {
      users: { rows: 10, bytes: 1000, durationMs: 50, file: 'users_job1_2024_03_05T14_07_09Z.csv' },
      spaces: { rows: 20, bytes: 1001, durationMs: 51, file: 'spaces_job1_2024_03_05T14_07_09Z.csv' },
      pages: { rows: 30, bytes: 1002, durationMs: 52, file: 'pages_job1_2024_03_05T14_07_09Z.csv' },
      comments: { rows: 40, bytes: 1003, durationMs: 53, file: 'comments_job1_2024_03_05T14_07_09Z.csv' },
      analytics_events: { rows: 50, bytes: 1004, durationMs: 54, file: 'analytics_events_job1_2024_03_05T14_07_09Z.csv' },
    },
  });
  assert.deepEqual(
    Object.values(record.progress).map((p) => [p.state, p.rows]),
    [
      ['done', 10],
      ['done', 20],
      ['done', 30],
      ['done', 40],
      ['done', 50],
    ],
  );
  assert.notEqual(record.completedTime, null);
  assert.equal(record.cancelledTime, null);
  assert.deepEqual(fakes.host.cleaned, [], 'a completed job keeps its files');
});

test("progress shows each entity's estimate up front and its rows while it runs", async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  // The catalog estimate is small, so the kernel counts: 7 rows for every entity.
  const openDb = createFakeOpenDb(CONFLUENCE_TABLES, (sql) => (sql.includes('COUNT(*)') ? [{ n: 7 }] : [{ n: 3 }]));
  const fakes = setUp({ openDb });
  await fakes.kernel.startExport(PARAMS);
  await fakes.runner.started(5);
  fakes.runner.task('pages').progress(120);
  await beat(t, fakes);
  const status = await fakes.kernel.getStatus();
  assert.deepEqual(status?.progress.pages, {
    rows: 120,
    estimatedRows: 7,
    state: 'running',
    governor: status?.progress.pages.governor,
    cpu: { sluiceMs: null, databaseMs: null },
  });
  assert.equal(status?.progress.users.rows, 0);
  assert.equal(status?.progress.users.estimatedRows, 7);
  assert.equal(status?.statistics, null);
  assert.equal(openDb.open, 0, 'the planning connection is closed');
});

test('a failing entity fails the job with its message and cancels the other entities', async () => {
  const fakes = setUp();
  await fakes.kernel.startExport(PARAMS);
  await fakes.runner.started(5);
  fakes.runner.task('users').succeed({ rows: 1 });
  fakes.runner.task('pages').fail('source', 'Cannot read pages after key "42": connection lost');
  const record = await finalOf(fakes);
  assert.equal(record.status, 'FAILED');
  assert.deepEqual(record.errors, [{ key: 'export.failed', message: 'Cannot read pages after key "42": connection lost' }]);
  for (const entity of ['spaces', 'comments', 'analytics_events']) {
    assert.deepEqual(
      fakes.runner.task(entity).messages.filter((m) => m.type === 'cancel'),
      [{ type: 'cancel' }],
      entity,
    );
  }
  assert.equal(record.statistics, null);
  assert.notEqual(record.completedTime, null);
  assert.equal(record.cancelledTime, null);
  assert.deepEqual(fakes.host.cleaned, [], 'its files stay for a resume');
});

test('free disk space dropping below the minimum during a run fails the job; its files stay for a resume', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const fakes = setUp();
  await fakes.kernel.startExport(PARAMS);
  await fakes.runner.started(5);
  fakes.host.free = 1024 ** 3 - 1;
  t.mock.timers.tick(HEARTBEAT_MS);
  const record = await finalOf(fakes);
  assert.equal(record.status, 'FAILED');
  assert.equal(record.errors?.length, 1);
  assert.equal(record.errors?.[0].key, 'export.disk.space.insufficient');
  assert.ok(
    fakes.runner.tasks.every((task) => task.messages.some((m) => m.type === 'cancel')),
    'every task was told to cancel',
  );
  assert.deepEqual(fakes.host.cleaned, []);
});

test('a task that runs out of disk fails the job with the disk key', async () => {
  const fakes = setUp();
  await fakes.kernel.startExport(PARAMS);
  await fakes.runner.started(5);
  fakes.runner.task('comments').fail('disk', 'Cannot write comments: no space left on device');
  const record = await finalOf(fakes);
  assert.deepEqual(record.errors, [{ key: 'export.disk.space.insufficient', message: 'Cannot write comments: no space left on device' }]);
});

test('a site without the analytics table exports four files with the export.analytics.unavailable warning', async () => {
  const openDb = createFakeOpenDb(CONFLUENCE_TABLES.filter((t) => t !== 'AO_7B47A5_EVENT'));
  const fakes = setUp({ openDb });
  await fakes.kernel.startExport(PARAMS);
  const tasks = await fakes.runner.started(4);
  for (const task of tasks) task.succeed({ rows: 2 });
  const record = await finalOf(fakes);
  assert.deepEqual(
    fakes.runner.tasks.map((task) => task.task.entity),
    ['users', 'spaces', 'pages', 'comments'],
  );
  assert.equal(record.status, 'COMPLETED');
  assert.deepEqual(
    record.warnings?.map((w) => w.key),
    ['export.analytics.unavailable'],
  );
  assert.deepEqual(Object.keys(record.statistics?.entities ?? {}), ['users', 'spaces', 'pages', 'comments']);
  assert.deepEqual(Object.keys(record.progress), ['users', 'spaces', 'pages', 'comments']);
});

test('close() during a run records the job CANCELLED before it resolves and closes the runner', async () => {
  const fakes = setUp();
  await fakes.kernel.startExport(PARAMS);
  await fakes.runner.started(5);
  await fakes.kernel.close();
  const record = fakes.store.jobs.get(1);
  assert.equal(record?.status, 'CANCELLED');
  assert.equal(record?.cancelledTime, record?.completedTime);
  assert.equal(fakes.runner.closed, true);
  await assert.rejects(fakes.kernel.startExport(PARAMS), { code: 'service.unavailable' });
});

test('close() right after the POST, before any task started, still records the job CANCELLED', async () => {
  const fakes = setUp();
  await fakes.kernel.startExport(PARAMS);
  await fakes.kernel.close();
  assert.equal(fakes.store.jobs.get(1)?.status, 'CANCELLED');
});

test('the final record is the last write of a job and heartbeats never overwrite it', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const fakes = setUp();
  await fakes.kernel.startExport(PARAMS);
  const tasks = await fakes.runner.started(5);
  await beat(t, fakes);
  for (const task of tasks) task.succeed({ rows: 1 });
  await finalOf(fakes);
  const writes = fakes.store.writes.length;
  t.mock.timers.tick(HEARTBEAT_MS * 5);
  await new Promise((resolve) => setImmediate(resolve));
  const terminal = fakes.store.writes.filter((r) => isTerminal(r.status));
  assert.equal(terminal.length, 1);
  assert.equal(fakes.store.writes.length, writes);
  assert.equal(fakes.store.writes.at(-1)?.status, 'COMPLETED');
});

test('a slow shutdown records CANCELLED once, and tasks that stop later do not write the job again', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const fakes = setUp({ runner: createFakeRunner({ ignoreCancel: true }) });
  await fakes.kernel.startExport(PARAMS);
  const tasks = await fakes.runner.started(5);
  const closing = fakes.kernel.close();
  await eventually(() =>
    assert.ok(
      tasks.every((task) => task.messages.some((m) => m.type === 'cancel')),
      'every task was told to cancel',
    ),
  );
  // Past the shutdown's wait for tasks: the node records the cancellation without them.
  t.mock.timers.tick(60_000);
  await closing;
  assert.equal(fakes.store.jobs.get(1)?.status, 'CANCELLED');
  const writes = fakes.store.writes.length;
  for (const task of tasks) task.fail('cancelled', 'stopped at last');
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fakes.store.writes.length, writes);
});

test('close() leaves no timer behind once the job has stopped', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  const fakes = setUp();
  await fakes.kernel.startExport(PARAMS);
  await fakes.runner.started(5);
  await fakes.kernel.close();
  assert.equal(timers(), before);
});

test('close() while a start is still checking the database waits for it and cancels the job it started', async () => {
  const fakes = setUp();
  let connect!: () => void;
  fakes.openDb.hold = new Promise((resolve) => (connect = resolve));
  const starting = fakes.kernel.startExport(PARAMS).then(
    (status) => status.status,
    (error: { code: string }) => error.code,
  );
  await eventually(() => assert.ok(fakes.host.dirsMade.length > 0, 'the start is checking the disk and the database'));
  const closing = fakes.kernel.close();
  connect();
  await closing;
  const outcome = await starting;
  const jobs = [...fakes.store.jobs.values()];
  // Either the start was refused, or the job it created was recorded CANCELLED before close() resolved.
  assert.ok(
    jobs.every((job) => isTerminal(job.status)),
    `jobs after close(): ${jobs.map((j) => j.status)}, start: ${outcome}`,
  );
});
