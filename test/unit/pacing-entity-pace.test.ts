// An entity's side of pacing: the pause its duty cycle asks for after each chunk, holds, and new
// instructions taking effect in the middle of a pause.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEntityPace, pauseFor } from '../../core/pacing/entity-pace.ts';

const pace = (dutyCycle: number, hold = false) => ({ type: 'pace' as const, dutyCycle, hold, reason: null });

test('a duty cycle d after a chunk costing c asks for a pause p with c / (c + p) = d', () => {
  assert.equal(pauseFor(100, 1), 0);
  assert.equal(pauseFor(100, 0.5), 100);
  assert.equal(pauseFor(100, 0.2), 400);
  assert.ok(Math.abs(100 / (100 + pauseFor(100, 0.05)) - 0.05) < 1e-12);
  assert.equal(pauseFor(100, 0), Number.POSITIVE_INFINITY);
});

test('rest returns at once at a whole duty cycle', async () => {
  const entity = createEntityPace(pace(1));
  const start = Date.now();
  await entity.rest(1000, new AbortController().signal);
  assert.ok(Date.now() - start < 50);
});

test('a hold lasts until instructions release it', async () => {
  const entity = createEntityPace(pace(1, true));
  let released = false;
  const resting = entity.rest(0, new AbortController().signal).then(() => (released = true));
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(released, false);
  entity.update(pace(1));
  await resting;
  assert.equal(released, true);
});

test('a faster duty cycle cuts a pause short', async () => {
  const entity = createEntityPace(pace(0.001));
  const start = Date.now();
  const resting = entity.rest(100, new AbortController().signal);
  setTimeout(() => entity.update(pace(1)), 20);
  await resting;
  assert.ok(Date.now() - start < 1000, `rested ${Date.now() - start} ms`);
});

test('an abort ends a rest with the signal reason', async () => {
  const entity = createEntityPace(pace(0, true));
  const controller = new AbortController();
  const resting = entity.rest(0, controller.signal);
  const reason = new Error('cancelled');
  controller.abort(reason);
  await assert.rejects(resting, (error) => error === reason);
});
