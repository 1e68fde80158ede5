import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLoadGovernor, DEFAULT_LOAD, type LoadSample, type LoadSettings } from '../../core/pacing/load-governor.ts';

const settings: LoadSettings = {
  ...DEFAULT_LOAD,
  warmupSamples: 3,
  threadsFactor: 2,
  threadsMargin: 4,
  probeFactor: 3,
  probeMarginMs: 5,
  resumeFraction: 0.5,
  confirmSamples: 2,
  baselineWeight: 0.05,
  maxPausedSamples: 100,
};
const calm: LoadSample = { threadsRunning: 3, probeMs: 1 };

function warmedUp(custom: LoadSettings = settings) {
  const governor = createLoadGovernor(custom);
  for (let i = 0; i < custom.warmupSamples; i++) governor.observe(calm);
  return governor;
}

test('the baseline is the median of the warm-up samples', () => {
  const governor = createLoadGovernor(settings);
  governor.observe({ threadsRunning: 2, probeMs: 0.5 });
  governor.observe({ threadsRunning: 50, probeMs: 40 });
  governor.observe({ threadsRunning: 4, probeMs: 1.5 });
  assert.deepEqual(governor.baseline, { threadsRunning: 4, probeMs: 1.5 });
});

test('no verdict pauses during the warm-up, however loaded', () => {
  const governor = createLoadGovernor(settings);
  for (let i = 0; i < 3; i++) assert.equal(governor.observe({ threadsRunning: 100, probeMs: 100 }).paused, false);
});

test('one loaded sample does not pause; two in a row do, naming the signal', () => {
  const governor = warmedUp();
  // Threshold: 3 × 2 + 4 = 10 threads.
  assert.equal(governor.observe({ threadsRunning: 11, probeMs: 1 }).paused, false);
  const verdict = governor.observe({ threadsRunning: 12, probeMs: 1 });
  assert.equal(verdict.paused, true);
  assert.match(verdict.reason!, /12 queries running, usually 3/);
});

test('a slow probe pauses like a crowd of threads does', () => {
  const governor = warmedUp();
  // Threshold: 1 × 3 + 5 = 8 ms.
  governor.observe({ threadsRunning: 3, probeMs: 9 });
  const verdict = governor.observe({ threadsRunning: 3, probeMs: 9 });
  assert.equal(verdict.paused, true);
  assert.match(verdict.reason!, /probe query took 9 ms, usually 1 ms/);
});

test('a signal just under the pause threshold but above the resume threshold keeps the export paused', () => {
  const governor = warmedUp();
  governor.observe({ threadsRunning: 20, probeMs: 1 });
  governor.observe({ threadsRunning: 20, probeMs: 1 });
  // Resume threshold: 3 + (10 - 3) × 0.5 = 6.5 threads; 8 is below the pause line but not recovered.
  for (let i = 0; i < 5; i++) assert.equal(governor.observe({ threadsRunning: 8, probeMs: 1 }).paused, true);
});

test('the export resumes after two calm samples in a row', () => {
  const governor = warmedUp();
  governor.observe({ threadsRunning: 20, probeMs: 1 });
  governor.observe({ threadsRunning: 20, probeMs: 1 });
  assert.equal(governor.observe(calm).paused, true);
  assert.deepEqual(governor.observe(calm), { paused: false, reason: null });
});

test('unreadable signals are ignored rather than treated as load', () => {
  const governor = warmedUp();
  for (let i = 0; i < 4; i++) assert.equal(governor.observe({ threadsRunning: null, probeMs: null }).paused, false);
});

test('a site that stays busy past the longest pause becomes the new baseline and the export resumes', () => {
  const governor = warmedUp({ ...settings, maxPausedSamples: 5 });
  const busy = { threadsRunning: 30, probeMs: 1 };
  governor.observe(busy);
  assert.equal(governor.observe(busy).paused, true);
  const verdicts = Array.from({ length: 5 }, () => governor.observe(busy).paused);
  assert.deepEqual(verdicts, [true, true, true, true, false]);
  assert.equal(governor.baseline.threadsRunning, 30);
  assert.equal(governor.observe(busy).paused, false);
});

test('calm samples move the baseline slowly toward the current level', () => {
  const governor = warmedUp();
  governor.observe({ threadsRunning: 5, probeMs: 1 });
  // 3 + (5 - 3) × 0.05
  assert.ok(Math.abs(governor.baseline.threadsRunning! - 3.1) < 1e-9);
});
