import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkCpuMs, createGovernor, createRateMeter, DEFAULT_GOVERNOR, isLocalDatabase, type GovernorSettings } from '../../core/pacing/budget.ts';

const settings = (patch: Partial<GovernorSettings> = {}): GovernorSettings => ({
  ...DEFAULT_GOVERNOR,
  targetChunkMs: 100,
  maxChunkBytes: 1_000_000,
  pacedChunkBytes: 4_000_000,
  minRows: 1,
  maxRows: 10_000,
  initialRows: 100,
  share: 0.05,
  sharesHost: true,
  ...patch,
});

test('the first chunk asks for the initial number of rows', () => {
  assert.equal(createGovernor(settings()).chunkRows, 100);
});

test('a chunk well under the target time at most doubles the next chunk', () => {
  const governor = createGovernor(settings());
  governor.record({ rows: 100, bytes: 1000, queryMs: 5, processMs: 1, cpuMs: null });
  assert.equal(governor.chunkRows, 200);
  governor.record({ rows: 200, bytes: 2000, queryMs: 10, processMs: 1, cpuMs: null });
  assert.equal(governor.chunkRows, 400);
});

test('growth stops where the chunk would reach the target time', () => {
  const governor = createGovernor(settings());
  // 100 rows in 80 ms: 100 ms buys 125 rows.
  governor.record({ rows: 100, bytes: 1000, queryMs: 80, processMs: 0, cpuMs: null });
  assert.equal(governor.chunkRows, 125);
});

test('a slow chunk shrinks the next one at once to what fits the target time', () => {
  const governor = createGovernor(settings({ initialRows: 1000 }));
  // 1000 rows in 500 ms: 100 ms buys 200 rows.
  governor.record({ rows: 1000, bytes: 10_000, queryMs: 500, processMs: 0, cpuMs: null });
  assert.equal(governor.chunkRows, 200);
});

test('wide rows are capped by the byte limit whatever the query time', () => {
  const governor = createGovernor(settings({ initialRows: 100, share: 1 }));
  // 100 rows of 50 kB each in 1 ms: only 20 such rows fit in 1 MB.
  governor.record({ rows: 100, bytes: 5_000_000, queryMs: 1, processMs: 0, cpuMs: null });
  assert.equal(governor.chunkRows, 20);
});

test('a paced entity reads larger chunks of wide rows, and the full-speed cap returns with a whole share', () => {
  const governor = createGovernor(settings({ initialRows: 100, share: 0.05 }));
  // 50 kB rows: 80 fit in the paced 4 MB.
  governor.record({ rows: 100, bytes: 5_000_000, queryMs: 1, processMs: 0, cpuMs: null });
  assert.equal(governor.chunkRows, 80);
  governor.setShare(1);
  governor.record({ rows: 80, bytes: 4_000_000, queryMs: 1, processMs: 0, cpuMs: null });
  assert.equal(governor.chunkRows, 20);
});

test('the chunk size stays within its bounds', () => {
  const small = createGovernor(settings({ minRows: 10, initialRows: 10 }));
  small.record({ rows: 10, bytes: 100, queryMs: 10_000, processMs: 0, cpuMs: null });
  assert.equal(small.chunkRows, 10);
  const large = createGovernor(settings({ maxRows: 150 }));
  large.record({ rows: 100, bytes: 100, queryMs: 1, processMs: 0, cpuMs: null });
  assert.equal(large.chunkRows, 150);
});

test('the pause keeps the duty cycle at the share when the database shares the host', () => {
  const governor = createGovernor(settings({ share: 0.05 }));
  const pause = governor.record({ rows: 100, bytes: 1000, queryMs: 30, processMs: 20, cpuMs: null });
  // 50 ms busy at a 5% share: 50 / (50 + pause) = 0.05, so pause = 950 ms.
  assert.ok(Math.abs(pause - 950) < 1e-9);
});

test('measured CPU, where it can be read, is the cost instead of the wall-clock time', () => {
  const governor = createGovernor(settings({ share: 0.05 }));
  // 400 ms of wall-clock time on a crowded machine, of which the two threads ran for 20 ms: pause = 380 ms.
  const pause = governor.record({ rows: 100, bytes: 1000, queryMs: 300, processMs: 100, cpuMs: 20 });
  assert.ok(Math.abs(pause - 380) < 1e-9);
});

test('only query time counts when the database runs on another machine', () => {
  const governor = createGovernor(settings({ share: 0.1, sharesHost: false }));
  const pause = governor.record({ rows: 100, bytes: 1000, queryMs: 10, processMs: 500, cpuMs: null });
  // 10 ms busy at 10%: pause = 90 ms.
  assert.ok(Math.abs(pause - 90) < 1e-9);
});

test('a whole budget never pauses', () => {
  const governor = createGovernor(settings({ share: 1 }));
  assert.equal(governor.record({ rows: 100, bytes: 1000, queryMs: 300, processMs: 300, cpuMs: null }), 0);
});

test('a larger share after another entity finishes shortens the pause', () => {
  const governor = createGovernor(settings({ share: 0.01 }));
  const before = governor.record({ rows: 100, bytes: 1000, queryMs: 10, processMs: 0, cpuMs: null });
  governor.setShare(0.05);
  const after = governor.record({ rows: 100, bytes: 1000, queryMs: 10, processMs: 0, cpuMs: null });
  assert.ok(Math.abs(before - 990) < 1e-9);
  assert.ok(Math.abs(after - 190) < 1e-9);
  assert.equal(governor.share, 0.05);
});

test('loopback database URLs count as sharing this machine', () => {
  assert.equal(isLocalDatabase('mysql://root@127.0.0.1:3306/db'), true);
  assert.equal(isLocalDatabase('mysql://u:p@localhost/db'), true);
  assert.equal(isLocalDatabase('postgres://u@[::1]:5432/db'), true);
  assert.equal(isLocalDatabase('mysql://u:p@db.example.com:3306/db'), false);
  assert.equal(isLocalDatabase('postgres://10.0.0.5/db'), false);
});

test('the rate meter reports rows per second over its window', () => {
  const meter = createRateMeter(10_000, 0);
  meter.add(500, 1000);
  meter.add(500, 2000);
  // 1000 rows in the 2 s since the start.
  assert.equal(meter.perSecond(2000), 500);
  // Long after, only the rows of the last 10 s count: 200 rows over 10 s.
  meter.add(100, 30_000);
  meter.add(100, 31_000);
  assert.equal(meter.perSecond(31_000), 20);
});

test("a chunk costs the process CPU since the last chunk plus the database thread's CPU for it", () => {
  assert.equal(chunkCpuMs(30, 10, 0.05), 40);
  assert.equal(chunkCpuMs(30, 10, 0.05, 0.05), 40);
});

test('entities running side by side are each charged their part of the process CPU', () => {
  // Two entities share a budget of 0.1 cores: each runs at 0.05 and pays half of what the process spent.
  assert.equal(chunkCpuMs(30, 10, 0.05, 0.1), 25);
  // A share above the budget (a whole budget) pays it all, never more.
  assert.equal(chunkCpuMs(30, 10, 1, 0.5), 40);
});

test('without either clock a chunk has no CPU cost, and wall-clock time counts instead', () => {
  assert.equal(chunkCpuMs(null, 10, 0.05), null);
  assert.equal(chunkCpuMs(30, null, 0.05), null);
});
