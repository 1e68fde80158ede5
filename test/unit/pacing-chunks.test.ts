// Chunk sizing (time-targeted, byte-capped), the CPU a chunk costs in a fixed share, the rate meter, and
// which database URLs share this machine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHUNK_SETTINGS, chunkCpuMs, createChunkSizer, type ChunkSettings } from '../../core/pacing/chunk-size.ts';
import { isLocalDatabase } from '../../core/pacing/plan.ts';
import { createRateMeter } from '../../core/pacing/rate-meter.ts';

const sizer = (patch: Partial<ChunkSettings> = {}) =>
  createChunkSizer({
    ...CHUNK_SETTINGS,
    targetChunkMs: 100,
    maxChunkBytes: 1_000_000,
    minRows: 1,
    maxRows: 10_000,
    initialRows: 100,
    ...patch,
  });

test('the first chunk asks for the initial number of rows', () => {
  assert.equal(sizer().rows, 100);
});

test('a chunk well under the target time at most doubles the next chunk', () => {
  const s = sizer();
  s.record(100, 1000, 5);
  assert.equal(s.rows, 200);
  s.record(200, 2000, 10);
  assert.equal(s.rows, 400);
});

test('growth stops where the chunk would reach the target time', () => {
  const s = sizer();
  // 100 rows in 80 ms: 100 ms buys 125 rows.
  s.record(100, 1000, 80);
  assert.equal(s.rows, 125);
});

test('a slow chunk shrinks the next one at once to what fits the target time', () => {
  const s = sizer({ initialRows: 1000 });
  // 1000 rows in 500 ms: 100 ms buys 200 rows.
  s.record(1000, 10_000, 500);
  assert.equal(s.rows, 200);
});

test('wide rows are capped by the byte limit whatever the query time', () => {
  const s = sizer();
  // 100 rows of 50 kB each in 1 ms: only 20 such rows fit in 1 MB.
  s.record(100, 5_000_000, 1);
  assert.equal(s.rows, 20);
});

test('the chunk size stays within its bounds', () => {
  const small = sizer({ minRows: 10, initialRows: 10 });
  small.record(10, 100, 10_000);
  assert.equal(small.rows, 10);
  const large = sizer({ maxRows: 150 });
  large.record(100, 100, 1);
  assert.equal(large.rows, 150);
});

test("a chunk costs the process CPU since the last chunk plus the database thread's CPU for it", () => {
  assert.equal(chunkCpuMs(30, 10, 0.05), 40);
  assert.equal(chunkCpuMs(30, 10, 0.05, 0.05), 40);
});

test('entities running side by side are each charged their part of the process CPU', () => {
  // Two entities share 0.1 cores: each runs at 0.05 and pays half of what the process spent.
  assert.equal(chunkCpuMs(30, 10, 0.05, 0.1), 25);
  // A duty cycle above the share pays it all, never more.
  assert.equal(chunkCpuMs(30, 10, 1, 0.5), 40);
});

test('without either clock a chunk has no CPU cost, and wall-clock time counts instead', () => {
  assert.equal(chunkCpuMs(null, 10, 0.05), null);
  assert.equal(chunkCpuMs(30, null, 0.05), null);
});

test('loopback database URLs count as sharing this machine', () => {
  assert.equal(isLocalDatabase('mysql://root@127.0.0.1:3306/db'), true);
  assert.equal(isLocalDatabase('mysql://u:p@localhost/db'), true);
  assert.equal(isLocalDatabase('postgres://u@[::1]:5432/db'), true);
  assert.equal(isLocalDatabase('mysql://u:p@db.example.com:3306/db'), false);
  assert.equal(isLocalDatabase('postgres://10.0.0.5/db'), false);
  assert.equal(isLocalDatabase('mysql://root@vm:3306/db'), false);
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
