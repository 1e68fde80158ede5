// Scheduled runs on two nodes sharing one journal: fired once, logged, and a run that finds an export
// running recorded as a FAILED job once the lock is free. Real kernels on in-memory ports.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { readRuns, fireDueRun, recordSkippedRuns, SCHEDULE_SKIPPED_KEY, type TickDeps } from '../../core/job/scheduled-run.ts';
import type { Schedule } from '../../core/settings/schedule.ts';
import { startScheduler } from '../../adapters/scheduler.ts';
import {
  createFakeHost,
  createFakeRunner,
  createKernelOnFakes,
  createMemoryStore,
  eventually,
  type KernelOnFakes,
  type MemoryStore,
} from '../helpers/fakes.ts';

const at = (iso: string) => Date.parse(iso);
// Saved on Wednesday 2024-03-06; runs Mondays and Thursdays at 02:00 UTC.
const SCHEDULE: Schedule = {
  days: ['MONDAY', 'THURSDAY'],
  repeatIntervalInWeeks: 1,
  time: '02:00',
  fromDate: '2024-01-01T00:00Z',
  schemaVersion: null,
  savedAtMs: at('2024-03-06T10:00:00Z'),
};
const THURSDAY = at('2024-03-07T02:00:00Z');
const MONDAY = at('2024-03-11T02:00:00Z');

const kernels: KernelOnFakes[] = [];
afterEach(async () => {
  // Jobs left running are finished first: closing a kernel would otherwise wait out its shutdown grace.
  for (const k of kernels) {
    const running = [...k.store.jobs.values()].find((j) => j.status === 'STARTED' && j.owner.nodeId === k.host.nodeId);
    if (running) await completeJob(k, running.jobId);
  }
  await Promise.all(kernels.splice(0).map((k) => k.kernel.close()));
});

async function cluster(): Promise<{ store: MemoryStore; nodes: (KernelOnFakes & { tick: TickDeps })[] }> {
  const store = createMemoryStore();
  await store.writeSetting('schedule', SCHEDULE);
  const nodes = ['node1', 'node2'].map((nodeId, i) => {
    const fakes = createKernelOnFakes({
      store,
      runner: createFakeRunner(),
      host: createFakeHost({ nodeId, pid: 100 + i, nowMs: THURSDAY + 5000 }),
      env: { SLUICE_MIN_FREE_DISK: '0' },
    });
    kernels.push(fakes);
    return { ...fakes, tick: { kernel: fakes.kernel, store, zone: 'UTC', nodeId } };
  });
  return { store, nodes };
}

async function completeJob(node: KernelOnFakes, jobId: number) {
  const tasks = await eventually(() => {
    const mine = node.runner.tasks.filter((t) => t.task.fileName.includes(`_job${jobId}_`));
    assert.equal(mine.length, 5);
    return mine;
  });
  for (const task of tasks) task.succeed({ rows: 1, scanned: 1, bytes: 10 });
  await eventually(() => assert.equal(node.store.jobs.get(jobId)?.status, 'COMPLETED'));
}

test("a due run starts one export however many nodes tick, with the schedule's fromDate", async () => {
  const { store, nodes } = await cluster();
  const fired = await Promise.all(nodes.map((n) => fireDueRun(n.tick, THURSDAY - 10_000, THURSDAY + 5000)));
  assert.equal(fired.filter((r) => r !== null).length, 1);
  assert.equal(store.jobs.size, 1);
  const job = store.jobs.get(1)!;
  assert.equal(job.status, 'STARTED');
  assert.equal(job.trigger, 'schedule');
  assert.equal(job.fromMs, at('2024-01-01T00:00:00Z'));
  const [run] = await readRuns(store);
  assert.deepEqual(
    { ...run, nodeId: undefined },
    { scheduledFor: '2024-03-07T02:00:00.000+00:00', scheduledMs: THURSDAY, nodeId: undefined, outcome: 'STARTED', jobId: 1, message: null },
  );
});

test('nothing fires before a run is due, and a run fires only in the tick that passes it', async () => {
  const { store, nodes } = await cluster();
  assert.equal(await fireDueRun(nodes[0].tick, THURSDAY - 20_000, THURSDAY - 10_000), null);
  assert.equal(await fireDueRun(nodes[0].tick, THURSDAY + 5000, THURSDAY + 15_000), null);
  assert.equal(store.jobs.size, 0);
});

test('a run that finds an export running is logged as skipped and becomes a FAILED job once that export has ended', async () => {
  const { store, nodes } = await cluster();
  const [node1, node2] = nodes;
  await node1.kernel.startExport({ fromDateMs: null, forceExport: false, schemaVersion: null });
  const run = await fireDueRun(node2.tick, MONDAY - 10_000, MONDAY + 1000);
  assert.equal(run?.outcome, 'SKIPPED');
  assert.equal(run?.jobId, null);
  assert.match(run!.message!, /job 1 was running/);
  assert.equal(store.jobs.size, 1, 'no job id is taken while job 1 holds the lock');
  assert.equal(await recordSkippedRuns(node2.tick), 0);
  await completeJob(node1, 1);

  assert.equal(await recordSkippedRuns(node1.tick), 0, 'only the node that skipped the run records it');
  assert.equal(await recordSkippedRuns(node2.tick), 1);
  const failed = store.jobs.get(2)!;
  assert.equal(failed.status, 'FAILED');
  assert.equal(failed.startTime, '2024-03-11T02:00:00.000+00:00');
  assert.equal(failed.completedTime, failed.startTime);
  assert.deepEqual(
    failed.errors?.map((e) => e.key),
    [SCHEDULE_SKIPPED_KEY],
  );
  assert.equal(failed.progress && Object.keys(failed.progress).length, 0);
  assert.equal((await readRuns(store))[0].jobId, 2);
  assert.equal(await recordSkippedRuns(node2.tick), 0, 'a run is recorded once');

  const next = await node1.kernel.startExport({ fromDateMs: null, forceExport: false, schemaVersion: null });
  assert.equal(next.jobId, 3, 'the FAILED record holds no lock');
});

test('the timer fires a run that falls due after it started, but not one missed before', async () => {
  const store = createMemoryStore();
  await store.writeSetting('schedule', SCHEDULE);
  const fakes = createKernelOnFakes({ store, host: createFakeHost({ nowMs: THURSDAY + 60_000 }), env: { SLUICE_MIN_FREE_DISK: '0' } });
  kernels.push(fakes);
  let now = THURSDAY + 60_000;
  const lines: string[] = [];
  const scheduler = startScheduler({ kernel: fakes.kernel, store, zone: 'UTC', nodeId: 'node1', now: () => now, log: (l) => lines.push(l), tickMs: 3_600_000 });
  try {
    await scheduler.tick();
    assert.equal(store.jobs.size, 0, "Thursday's run was due before this node started");
    now = MONDAY + 3000;
    await scheduler.tick();
    assert.equal(store.jobs.size, 1);
    assert.match(lines.join('\n'), /Scheduled export of 2024-03-11T02:00:00\.000\+00:00: STARTED \(job 1\)/);
  } finally {
    await scheduler.stop();
  }
});

test("a scheduled run never resumes: it starts a new export, which discards the interrupted job's files", async () => {
  const { store, nodes } = await cluster();
  const [node] = nodes;
  await node.kernel.startExport({ fromDateMs: null, forceExport: false, schemaVersion: null });
  await node.runner.started(5);
  await node.kernel.cancelExport(1);
  await eventually(() => assert.equal(store.jobs.get(1)?.status, 'CANCELLED'));
  const run = await fireDueRun(node.tick, THURSDAY - 1000, THURSDAY + 1000);
  assert.deepEqual([run?.outcome, run?.jobId], ['STARTED', 2]);
  assert.equal(store.jobs.get(2)?.config.resumedFrom, undefined);
  await eventually(() => assert.deepEqual(node.host.cleaned, [{ path: '/home/sluice/data-pipeline/export/1', what: 'all' }]));
});
