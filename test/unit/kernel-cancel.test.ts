// Cancelling and the one-at-a-time lock on fakes: this node's job, a dead owner's, another live node's.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { isTerminal, type JobRecord } from '../../core/job/status.ts';
import type { ExportParams } from '../../core/job/kernel.ts';
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
const NOW = Date.UTC(2024, 2, 5, 14, 7, 9, 917);
// The kernel presumes a node dead after this long without a heartbeat (HEARTBEAT_STALE_MS).
const STALE_MS = 30_000;

const kernels: KernelOnFakes[] = [];

afterEach(async () => {
  for (const fakes of kernels.splice(0)) {
    for (const task of fakes.runner.tasks) task.fail('cancelled', 'the test is over');
    await fakes.kernel.close();
  }
});

function node(options: Parameters<typeof createKernelOnFakes>[0] = {}): KernelOnFakes {
  const fakes = createKernelOnFakes({ ...options, env: { SLUICE_MIN_FREE_DISK: '1GB', ...options.env } });
  kernels.push(fakes);
  return fakes;
}

/** A job another process left in the journal, as its owner last saved it. */
function orphan(store: MemoryStore, owner: JobRecord['owner']): void {
  store.jobs.set(1, {
    startTime: '2024-03-05T14:00:00.000+00:00',
    completedTime: null,
    cancelledTime: null,
    nodeId: owner.nodeId,
    jobId: 1,
    status: 'STARTED',
    config: { exportFrom: '2023-03-06T14:00:00+00:00', forcedExport: false, schemaVersion: 1 },
    statistics: null,
    warnings: null,
    errors: null,
    rootExportPath: '/home/sluice/data-pipeline/export',
    progress: {},
    owner,
    fromMs: Date.UTC(2023, 2, 6, 14),
    exportDir: '/home/sluice/data-pipeline/export/1',
    fileStamp: '2024_03_05T14_00_00Z',
    checkpoints: {},
  });
}

test("cancelling this node's job answers OK, shows CANCELLATION_REQUESTED, then CANCELLED", async () => {
  const { kernel, runner, store } = node({ runner: createFakeRunner({ ignoreCancel: true }) });
  await kernel.startExport(PARAMS);
  const tasks = await runner.started(5);
  const answer = await kernel.cancelExport(null);
  assert.deepEqual(answer, { jobId: 1, status: 'OK', message: answer.message });
  assert.ok(
    tasks.every((t) => t.messages.some((m) => m.type === 'cancel')),
    'every task was told to cancel',
  );
  assert.equal((await kernel.getStatus())?.status, 'CANCELLATION_REQUESTED');
  for (const task of tasks) task.fail('cancelled', 'stopped');
  await eventually(() => assert.equal(store.jobs.get(1)?.status, 'CANCELLED'));
  assert.equal(store.writes.filter((r) => isTerminal(r.status)).length, 1);
});

test("this node's cancelled job reads CANCELLATION_REQUESTED as soon as the cancel returns, however slow the journal", async () => {
  const store = createMemoryStore();
  const save = store.save;
  // A journal write that takes a while (temp file, fsync, rename).
  store.save = async (record) => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    await save(record);
  };
  const { kernel, runner } = node({ store, runner: createFakeRunner({ ignoreCancel: true }) });
  await kernel.startExport(PARAMS);
  await runner.started(5);
  await kernel.cancelExport(null);
  assert.equal((await kernel.getStatus())?.status, 'CANCELLATION_REQUESTED');
});

test('a job whose process died on this node is cancelled at once and the lock released; the next export discards its files', async () => {
  const { kernel, store, host, runner } = node({ host: createFakeHost({ nowMs: NOW, pid: 200 }) });
  orphan(store, { nodeId: 'node1', pid: 100, heartbeatMs: NOW });
  assert.equal((await kernel.getStatus())?.heartbeat?.stale, true);
  await kernel.cancelExport(null);
  assert.equal(store.jobs.get(1)?.status, 'CANCELLED');
  assert.equal(store.jobs.get(1)?.cancelledBy, 'delete');
  assert.deepEqual(host.cleaned, [], 'its files stay for a resume');
  assert.equal((await kernel.startExport(PARAMS)).jobId, 2);
  assert.equal((await runner.started(5)).length, 5);
  assert.deepEqual(host.cleaned, [{ path: '/home/sluice/data-pipeline/export/1', what: 'all' }]);
});

test("a job left by an earlier process with this process's pid is cancelled at once too", async () => {
  // A restarted container's process often gets the pid its crashed predecessor had.
  const { kernel, store } = node({ host: createFakeHost({ nowMs: NOW, pid: 1 }) });
  orphan(store, { nodeId: 'node1', pid: 1, heartbeatMs: NOW });
  await kernel.cancelExport(1);
  assert.equal(store.jobs.get(1)?.status, 'CANCELLED');
});

test('a job whose node stopped its heartbeat is cancelled at once from any node', async () => {
  const { kernel, store } = node({ host: createFakeHost({ nowMs: NOW }) });
  orphan(store, { nodeId: 'node2', pid: 100, heartbeatMs: NOW - STALE_MS - 1 });
  assert.equal((await kernel.getStatus())?.heartbeat?.stale, true);
  await kernel.cancelExport(null);
  const record = store.jobs.get(1);
  assert.equal(record?.status, 'CANCELLED');
  assert.equal(record?.cancelledTime, '2024-03-05T14:07:09.917+00:00');
  assert.equal(record?.completedTime, record?.cancelledTime);
});

test('a live job of another node gets a cancel marker and shows CANCELLATION_REQUESTED while it holds the lock', async () => {
  const { kernel, store } = node({ host: createFakeHost({ nowMs: NOW }) });
  orphan(store, { nodeId: 'node2', pid: 100, heartbeatMs: NOW - STALE_MS });
  await kernel.cancelExport(null);
  assert.equal(await store.isCancelRequested(1), true);
  assert.equal(store.jobs.get(1)?.status, 'STARTED', 'only its owner finishes it');
  const status = await kernel.getStatus();
  assert.equal(status?.status, 'CANCELLATION_REQUESTED');
  assert.equal(status?.heartbeat?.stale, false);
  await assert.rejects(kernel.startExport(PARAMS), (error: { code: string; job: { jobId: number; status: string } }) => {
    assert.equal(error.code, 'export.running');
    assert.deepEqual([error.job.jobId, error.job.status], [1, 'CANCELLATION_REQUESTED']);
    return true;
  });
});

test("the owning node obeys another node's cancel marker at its next heartbeat", async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const store = createMemoryStore();
  const owner = node({ store, host: createFakeHost({ nowMs: NOW, nodeId: 'node1' }) });
  const other = node({ store, host: createFakeHost({ nowMs: NOW, nodeId: 'node2' }) });
  await owner.kernel.startExport(PARAMS);
  await owner.runner.started(5);
  await other.kernel.cancelExport(null);
  t.mock.timers.tick(1000);
  await eventually(() => assert.equal(store.jobs.get(1)?.status, 'CANCELLED'));
  assert.equal((await other.kernel.startExport(PARAMS)).jobId, 2);
});

test('of two nodes starting an export at the same time exactly one gets it', async () => {
  const store = createMemoryStore();
  const nodes = [node({ store, host: createFakeHost({ nodeId: 'node1' }) }), node({ store, host: createFakeHost({ nodeId: 'node2' }) })];
  const results = await Promise.allSettled(nodes.map((n) => n.kernel.startExport(PARAMS)));
  const started = results.filter((r) => r.status === 'fulfilled');
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(started.length, 1);
  assert.equal(refused.length, 1);
  assert.equal(refused[0].reason.code, 'export.running');
  assert.equal(refused[0].reason.job.jobId, 1);
  assert.equal(store.jobs.size, 1);
});

test('job ids start at 1 and grow, through refused starts too', async () => {
  const { kernel, runner, host } = node();
  const first = await kernel.startExport(PARAMS);
  for (const task of await runner.started(5)) task.succeed();
  await eventually(async () => assert.equal((await kernel.getStatus())?.status, 'COMPLETED'));
  host.free = 0;
  await assert.rejects(kernel.startExport(PARAMS), { code: 'export.rejected' });
  host.free = 1024 ** 4;
  const third = await kernel.startExport(PARAMS);
  assert.deepEqual([first.jobId, third.jobId], [1, 3]);
});

test('cancelling a finished or unknown job is refused as nothing to cancel', async () => {
  const { kernel, runner } = node();
  await assert.rejects(kernel.cancelExport(null), { code: 'nothing.to.cancel' });
  await kernel.startExport(PARAMS);
  for (const task of await runner.started(5)) task.succeed();
  await eventually(async () => assert.equal((await kernel.getStatus())?.status, 'COMPLETED'));
  await assert.rejects(kernel.cancelExport(1), { code: 'nothing.to.cancel' });
  await assert.rejects(kernel.cancelExport(7), { code: 'nothing.to.cancel' });
});

test("a job started while the previous one's final record is still being written is shut down by close()", async () => {
  const store = createMemoryStore();
  // The journal shows job 1 COMPLETED before its save returns (the rename is done, the directory sync is not).
  let release!: () => void;
  const syncing = new Promise<void>((resolve) => (release = resolve));
  const save = store.save;
  store.save = async (record) => {
    await save(record);
    if (record.jobId === 1 && isTerminal(record.status)) await syncing;
  };
  const { kernel, runner } = node({ store });
  await kernel.startExport(PARAMS);
  for (const task of await runner.started(5)) task.succeed();
  await eventually(() => assert.equal(store.jobs.get(1)?.status, 'COMPLETED'));
  assert.equal((await kernel.startExport(PARAMS)).jobId, 2);
  await runner.started(10);
  release();
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  await kernel.close();
  assert.equal(store.jobs.get(2)?.status, 'CANCELLED');
});
