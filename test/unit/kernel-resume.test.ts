// Resuming on fakes (SPEC section 4): checkpoints saved with the heartbeat, POST /export?resume=true taking
// an interrupted job's files over, what it refuses (nothing to resume, other parameters, a node set
// otherwise), the races between nodes, a new export discarding the leftovers, and SLUICE_AUTO_RESUME's choice
// of what to take up.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { ExportParams } from '../../core/job/kernel.ts';
import { isTerminal, type Checkpoint, type JobRecord } from '../../core/job/status.ts';
import {
  createFakeHost,
  createFakeRunner,
  createKernelOnFakes,
  createMemoryStore,
  eventually,
  type KernelOnFakes,
  type MemoryStore,
} from '../helpers/fakes.ts';

const PARAMS: ExportParams = { fromDateMs: null, forceExport: false, schemaVersion: null };
const RESUME: ExportParams = { fromDateMs: null, forceExport: null, schemaVersion: null, resume: true };
const NOW = Date.UTC(2024, 2, 5, 14, 7, 9, 917);
const ROOT = '/home/sluice/data-pipeline/export';
const ENTITIES = ['users', 'spaces', 'pages', 'comments', 'analytics_events'];
const STAMP_1 = '2024_03_05T14_07_09Z';
const STAMP_2 = '2024_03_05T15_07_09Z';
// The heartbeat saves progress and checkpoints this often.
const HEARTBEAT_MS = 1000;

const kernels: KernelOnFakes[] = [];

afterEach(async () => {
  for (const fakes of kernels.splice(0)) {
    for (const task of fakes.runner.tasks) task.fail('cancelled', 'the test is over');
    await fakes.kernel.close();
  }
});

function node(options: Parameters<typeof createKernelOnFakes>[0] = {}): KernelOnFakes {
  const fakes = createKernelOnFakes({
    runner: createFakeRunner({ ignoreCancel: true }),
    host: createFakeHost({ nowMs: NOW }),
    ...options,
    env: { SLUICE_MIN_FREE_DISK: '1GB', ...options.env },
  });
  kernels.push(fakes);
  return fakes;
}

const file = (job: number, entity: string, stamp: string, partial = false) => `${ROOT}/${job}/${entity}_job${job}_${stamp}.csv${partial ? '.partial' : ''}`;
const cp = (rows: number, bytes: number, more: Partial<Checkpoint> = {}): Checkpoint => ({
  after: `k${rows}`,
  rows,
  scanned: rows,
  bytes,
  durationMs: rows,
  ...more,
});

const finalOf = (store: MemoryStore, jobId: number) =>
  eventually(() => {
    const record = store.jobs.get(jobId);
    assert.ok(record && isTerminal(record.status), `job ${jobId} is ${record?.status}`);
    return record;
  });

/**
 * Job 1, cancelled by DELETE half way: users finished; pages and comments synced checkpoints, pages' file past
 * its checkpoint; spaces never synced one; analytics_events' file lost bytes its checkpoint claims (a power loss).
 */
async function interruptedJob(fakes: KernelOnFakes): Promise<JobRecord> {
  const { kernel, runner, host, store } = fakes;
  await kernel.startExport(PARAMS);
  await runner.started(5);
  host.disk.set(file(1, 'users', STAMP_1), 150);
  runner.task('users').succeed({ rows: 10, scanned: 11, bytes: 150, durationMs: 40 });
  host.disk.set(file(1, 'spaces', STAMP_1, true), 90);
  host.disk.set(file(1, 'pages', STAMP_1, true), 700);
  host.disk.set(file(1, 'comments', STAMP_1, true), 300);
  host.disk.set(file(1, 'analytics_events', STAMP_1, true), 100);
  await kernel.cancelExport(null);
  runner.task('spaces').fail('cancelled', 'stopped');
  runner.task('pages').fail('cancelled', 'stopped', cp(40, 500));
  runner.task('comments').fail('cancelled', 'stopped', cp(20, 300));
  runner.task('analytics_events').fail('cancelled', 'stopped', cp(30, 400));
  const record = await finalOf(store, 1);
  assert.equal(record.status, 'CANCELLED');
  host.advance(3600_000);
  return record;
}

test("the heartbeat saves each entity's latest checkpoint, once its task reports it synced", async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const { kernel, runner, store } = node();
  await kernel.startExport(PARAMS);
  await runner.started(5);
  runner.task('pages').progress(40, 500, cp(40, 480));
  runner.task('comments').progress(3);
  const before = store.writes.length;
  t.mock.timers.tick(HEARTBEAT_MS);
  await eventually(() => assert.ok(store.writes.length > before));
  assert.deepEqual(store.jobs.get(1)?.checkpoints, { pages: cp(40, 480) });
  assert.equal(store.jobs.get(1)?.progress.comments.rows, 3);
});

test('a job that ends keeps its files, finished and .partial, and its checkpoints', async () => {
  const fakes = node();
  const record = await interruptedJob(fakes);
  assert.deepEqual(fakes.host.cleaned, []);
  assert.equal(fakes.host.disk.size, 5);
  assert.deepEqual(record.checkpoints, {
    users: { after: null, rows: 10, scanned: 11, bytes: 150, durationMs: 40, done: true },
    pages: cp(40, 500),
    comments: cp(20, 300),
    analytics_events: cp(30, 400),
  });
  assert.equal(record.cancelledBy, 'delete');
});

test("resume=true carries job 1 on as job 2: the files move in under job 2's names, each .partial cut back to its checkpoint, and each entity carries on after its key", async () => {
  const fakes = node();
  await interruptedJob(fakes);
  const { kernel, runner, host, store } = fakes;
  const started = await kernel.startExport(RESUME);
  assert.deepEqual([started.jobId, started.status, started.config.resumedFrom], [2, 'STARTED', 1]);
  assert.equal(started.config.exportFrom, '2023-03-06T14:07:00+00:00', "job 1's fromDate, not a new default");
  const tasks = (await runner.started(9)).slice(5);
  assert.deepEqual(
    tasks.map((task) => [task.task.entity, task.task.fileName, task.task.resume ?? null]),
    [
      ['spaces', `spaces_job2_${STAMP_2}.csv`, null],
      ['pages', `pages_job2_${STAMP_2}.csv`, cp(40, 500)],
      ['comments', `comments_job2_${STAMP_2}.csv`, cp(20, 300)],
      ['analytics_events', `analytics_events_job2_${STAMP_2}.csv`, null],
    ],
    'users is done; analytics_events, whose file fell short of its checkpoint, and spaces, which kept none, start over',
  );
  assert.deepEqual(
    [...host.disk].sort(),
    [
      [file(2, 'comments', STAMP_2, true), 300],
      [file(2, 'pages', STAMP_2, true), 500],
      [file(2, 'users', STAMP_2), 150],
    ],
    "job 1's directory is gone; what job 2 keeps is in its own",
  );
  assert.ok(host.cleaned.some((c) => c.path === `${ROOT}/1`));
  const progress = store.jobs.get(2)!.progress;
  assert.deepEqual(
    ENTITIES.map((e) => [progress[e].state, progress[e].rows]),
    [
      ['done', 10],
      ['pending', 0],
      ['pending', 40],
      ['pending', 20],
      ['pending', 0],
    ],
  );
  tasks.find((t) => t.task.entity === 'spaces')!.succeed({ rows: 5, scanned: 5, bytes: 80 });
  tasks.find((t) => t.task.entity === 'pages')!.succeed({ rows: 90, scanned: 90, bytes: 1100, durationMs: 700 });
  tasks.find((t) => t.task.entity === 'comments')!.succeed({ rows: 20, scanned: 20, bytes: 300 });
  tasks.find((t) => t.task.entity === 'analytics_events')!.succeed({ rows: 60, scanned: 60, bytes: 800 });
  const done = await finalOf(store, 2);
  assert.equal(done.status, 'COMPLETED');
  assert.deepEqual(done.statistics?.entities.users, { rows: 10, bytes: 150, durationMs: 40, file: `users_job2_${STAMP_2}.csv` });
  assert.equal(done.statistics?.writtenRows, 10 + 5 + 90 + 20 + 60);
  assert.equal(done.statistics?.exportedEntities, 11 + 5 + 90 + 20 + 60);
});

test('resume=true with nothing to resume is a 400 invalid.resume naming why', async () => {
  const { kernel, runner } = node();
  await assert.rejects(kernel.startExport(RESUME), (error: any) => {
    assert.deepEqual(error.errors, [{ key: 'invalid.resume', message: 'Cannot resume: no export has run yet' }]);
    return true;
  });
  await kernel.startExport(PARAMS);
  for (const task of await runner.started(5)) task.succeed();
  await eventually(async () => assert.equal((await kernel.getStatus())?.status, 'COMPLETED'));
  await assert.rejects(kernel.startExport(RESUME), (error: any) => {
    assert.equal(error.errors[0].key, 'invalid.resume');
    assert.match(error.errors[0].message, /job 1, completed/);
    return true;
  });
});

test('resume=true while an export runs is a 409 with the running job', async () => {
  const { kernel, runner } = node();
  await kernel.startExport(PARAMS);
  await runner.started(5);
  await assert.rejects(kernel.startExport(RESUME), { code: 'export.running' });
});

test("resume=true with a fromDate, forceExport or schemaVersion other than the interrupted job's is a 400 naming it; the same ones are fine", async () => {
  const fakes = node();
  const job = await interruptedJob(fakes);
  await assert.rejects(fakes.kernel.startExport({ ...RESUME, fromDateMs: job.fromMs - 60_000 }), (error: any) => {
    assert.equal(error.errors[0].key, 'invalid.fromDate');
    assert.match(error.errors[0].message, /Cannot resume job 1 with another fromDate/);
    return true;
  });
  await assert.rejects(fakes.kernel.startExport({ ...RESUME, forceExport: true }), (error: any) => error.errors[0].key === 'invalid.forceExport');
  assert.equal(fakes.store.jobs.size, 1, 'nothing started');
  const started = await fakes.kernel.startExport({ ...RESUME, fromDateMs: job.fromMs, forceExport: false, schemaVersion: 1 });
  assert.equal(started.config.resumedFrom, 1);
});

test('a job left STARTED by a dead owner is first recorded CANCELLED by its crash, then resumed, in the same call', async () => {
  const store = createMemoryStore();
  const crashed = node({ store, host: createFakeHost({ nowMs: NOW, pid: 100 }) });
  await crashed.kernel.startExport(PARAMS);
  await crashed.runner.started(5);
  // Its process dies: another process on the same node sees its pid gone.
  const restarted = node({ store, host: createFakeHost({ nowMs: NOW + 5000, pid: 200 }) });
  await assert.rejects(restarted.kernel.startExport(PARAMS), { code: 'export.running' }, 'without resume the crashed job still holds the lock');
  const started = await restarted.kernel.startExport(RESUME);
  assert.deepEqual([started.jobId, started.config.resumedFrom], [2, 1]);
  assert.deepEqual([store.jobs.get(1)?.status, store.jobs.get(1)?.cancelledBy], ['CANCELLED', 'crash']);
});

test('of two nodes resuming at once, or one resuming while another starts a new export, exactly one starts a job', async () => {
  for (const other of [RESUME, PARAMS]) {
    const store = createMemoryStore();
    const first = node({ store });
    await interruptedJob(first);
    const second = node({ store, host: createFakeHost({ nowMs: NOW + 3600_000, nodeId: 'node2' }) });
    const results = await Promise.allSettled([first.kernel.startExport(RESUME), second.kernel.startExport(other)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results));
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    assert.equal(refused.reason.code, 'export.running');
    assert.equal(store.jobs.size, 2);
  }
});

test("a new export without resume discards the interrupted job's leftovers, which count as free space before it starts", async () => {
  const fakes = node({ env: { SLUICE_MIN_FREE_DISK: '2000B' } });
  await interruptedJob(fakes);
  const { kernel, host, runner } = fakes;
  // 1,340 bytes of leftovers: with them counted free the minimum is met.
  host.free = 1000;
  const started = await kernel.startExport(PARAMS);
  assert.equal(started.jobId, 2);
  assert.equal(started.config.resumedFrom, undefined);
  await runner.started(10);
  assert.deepEqual(host.cleaned, [{ path: `${ROOT}/1`, what: 'all' }]);
  assert.equal(host.disk.size, 0);
  assert.ok(runner.tasks.slice(5).every((task) => task.task.resume === undefined));
  await assert.rejects(kernel.startExport(RESUME), { code: 'export.running' });
});

test('a resume refused before it runs (422) leaves the interrupted job and its files to a later resume', async () => {
  const fakes = node();
  await interruptedJob(fakes);
  const { kernel, host, store, runner } = fakes;
  host.free = 0;
  await assert.rejects(kernel.startExport(RESUME), { code: 'export.rejected' });
  assert.equal(store.jobs.get(2)?.status, 'FAILED');
  assert.equal(store.jobs.get(2)?.checkpoints, undefined, 'a job that never ran keeps nothing');
  assert.equal(host.disk.size, 5, "job 1's files are untouched");
  host.free = 1024 ** 4;
  const started = await kernel.startExport(RESUME);
  assert.deepEqual([started.jobId, started.config.resumedFrom], [3, 1]);
  await runner.started(9);
  assert.ok(host.disk.has(file(3, 'users', STAMP_2)));
});

test('a resumed job interrupted while taking the files over is resumed again, finding each file where it was left', async () => {
  const store = createMemoryStore();
  const first = node({ store, host: createFakeHost({ nowMs: NOW, pid: 100 }) });
  await interruptedJob(first);
  // Job 2 moves users' file in, and its process dies before it moves the others.
  const moveFile = first.host.moveFile.bind(first.host);
  let moves = 0;
  let release!: () => void;
  const dead = new Promise<void>((resolve) => (release = resolve));
  first.host.moveFile = async (from, to) => {
    await moveFile(from, to);
    if (++moves === 1) await dead;
  };
  await first.kernel.startExport(RESUME);
  await eventually(() => assert.equal(moves, 1));
  const disk = first.host.disk;
  const restarted = node({ store, host: createFakeHost({ nowMs: NOW + 7200_000, pid: 200 }) });
  for (const [path, size] of disk) restarted.host.disk.set(path, size);
  const started = await restarted.kernel.startExport(RESUME);
  assert.deepEqual([started.jobId, started.config.resumedFrom], [3, 2]);
  const tasks = (await restarted.runner.started(4)).map((t) => [t.task.entity, t.task.resume ?? null]);
  assert.deepEqual(tasks, [
    ['spaces', null],
    ['pages', cp(40, 500)],
    ['comments', cp(20, 300)],
    ['analytics_events', null],
  ]);
  const stamp3 = '2024_03_05T16_07_09Z';
  assert.deepEqual([...restarted.host.disk.keys()].sort(), [file(3, 'comments', stamp3, true), file(3, 'pages', stamp3, true), file(3, 'users', stamp3)]);
  // The "dead" process may go on now, on its own copy of the disk, so that it can be closed.
  release();
});

test('what a resume would keep: the interrupted job, its entities done and the rows each keeps', async () => {
  const fakes = node();
  assert.equal(await fakes.kernel.resumeOffer(), null);
  await interruptedJob(fakes);
  const offer = await fakes.kernel.resumeOffer();
  assert.deepEqual(offer, {
    jobId: 1,
    status: 'CANCELLED',
    crashed: false,
    entities: [
      { name: 'users', done: true, rows: 10 },
      { name: 'spaces', done: false, rows: 0 },
      { name: 'pages', done: false, rows: 40 },
      { name: 'comments', done: false, rows: 20 },
      { name: 'analytics_events', done: false, rows: 30 },
    ],
    entitiesDone: 1,
    rowsKept: 100,
  });
  await fakes.kernel.startExport(RESUME);
  assert.equal(await fakes.kernel.resumeOffer(), null, 'nothing while an export runs');
});

test('auto-resume takes up a job a shutdown cancelled or a crash left, never one DELETE cancelled nor a FAILED one', async () => {
  // DELETE-cancelled.
  const cancelled = node();
  await interruptedJob(cancelled);
  assert.equal(await cancelled.kernel.autoResume(), null);
  // Shut down: job 1 is recorded CANCELLED by the shutdown; the next node to start resumes it.
  const store = createMemoryStore();
  const stopping = node({ store, runner: createFakeRunner() });
  await stopping.kernel.startExport(PARAMS);
  await stopping.runner.started(5);
  await stopping.kernel.close();
  assert.equal(store.jobs.get(1)?.cancelledBy, 'shutdown');
  const next = node({ store, host: createFakeHost({ nowMs: NOW + 60_000, pid: 300 }) });
  const resumed = await next.kernel.autoResume();
  assert.deepEqual([resumed?.jobId, resumed?.config.resumedFrom], [2, 1]);
  assert.equal(await next.kernel.autoResume(), null, 'the resumed job runs: nothing more to take up');
  // FAILED.
  const failing = node();
  await failing.kernel.startExport(PARAMS);
  await failing.runner.started(5);
  failing.runner.task('pages').fail('source', 'lost');
  for (const task of failing.runner.tasks) task.fail('cancelled', 'x');
  assert.equal((await finalOf(failing.store, 1)).status, 'FAILED');
  assert.equal(await failing.kernel.autoResume(), null);
});

test("auto-resume takes up a crashed job once its owner is seen dead: at once for a dead process on this node, after the stale heartbeat for another node's", async () => {
  const store = createMemoryStore();
  const owner = node({ store, host: createFakeHost({ nowMs: NOW, nodeId: 'node1', pid: 100 }) });
  await owner.kernel.startExport(PARAMS);
  await owner.runner.started(5);
  const otherHost = createFakeHost({ nowMs: NOW + 5000, nodeId: 'node2' });
  const other = node({ store, host: otherHost });
  assert.equal(await other.kernel.autoResume(), null, 'a live heartbeat: its owner may be busy');
  otherHost.advance(60_000);
  const resumed = await other.kernel.autoResume();
  assert.deepEqual([resumed?.jobId, resumed?.config.resumedFrom], [2, 1]);
  assert.deepEqual([store.jobs.get(1)?.status, store.jobs.get(1)?.cancelledBy], ['CANCELLED', 'crash']);
});

test('an auto-resume refused before it runs is not tried again and again', async () => {
  const store = createMemoryStore();
  const stopping = node({ store, runner: createFakeRunner() });
  await stopping.kernel.startExport(PARAMS);
  await stopping.runner.started(5);
  await stopping.kernel.close();
  const next = node({ store, host: createFakeHost({ nowMs: NOW + 60_000, pid: 300, free: 0 }) });
  await assert.rejects(next.kernel.autoResume(), { code: 'export.rejected' });
  assert.equal(await next.kernel.autoResume(), null);
  assert.equal(store.jobs.size, 2);
});

test('a node whose BASE_URL, SOURCE_TIMEZONE or line-break settings differ from those the files were written with refuses to resume, naming the setting', async () => {
  const store = createMemoryStore();
  await interruptedJob(node({ store }));
  for (const [env, named] of [
    [{ BASE_URL: 'https://wiki.example.com' }, /BASE_URL "http:\/\/localhost:8090", and this node has "https:\/\/wiki\.example\.com"/],
    [{ SOURCE_TIMEZONE: 'Europe/Berlin' }, /SOURCE_TIMEZONE "UTC"/],
    [{ SLUICE_LINE_BREAK_ESCAPE: '<br>' }, /SLUICE_LINE_BREAK_PRESERVE and SLUICE_LINE_BREAK_ESCAPE/],
  ] as const) {
    const other = node({ store, env, host: createFakeHost({ nowMs: NOW + 3600_000, nodeId: 'node2' }) });
    await assert.rejects(other.kernel.startExport(RESUME), (error: any) => {
      assert.equal(error.errors[0].key, 'invalid.resume');
      assert.match(error.errors[0].message, named);
      return true;
    });
  }
  assert.equal(store.jobs.size, 1, 'nothing started');
});
