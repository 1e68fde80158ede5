import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImpactControl } from '../../core/impact-control.ts';
import type { LoadSample } from '../../core/load-governor.ts';
import type { TaskHandle } from '../../core/ports.ts';
import type { ControlMessage, EntityOutcome } from '../../core/task.ts';

function fakeHandle() {
  const messages: ControlMessage[] = [];
  const handle: TaskHandle = { outcome: new Promise<EntityOutcome>(() => undefined), send: (m) => messages.push(m) };
  return { handle, messages };
}

/** A monitor that plays back samples; `played` resolves once the last one has been judged. */
function scriptedMonitor(samples: LoadSample[]) {
  let closed = false;
  let ended: () => void = () => undefined;
  const played = new Promise<void>((resolve) => (ended = resolve));
  return {
    played,
    closed: () => closed,
    open: async () => ({
      async sample() {
        // The sample after the script is taken only once the last scripted one was acted on.
        if (samples.length === 0) ended();
        return samples.shift() ?? { threadsRunning: null, probeMs: null };
      },
      async close() {
        closed = true;
      },
    }),
  };
}

test('the budget is split evenly between the entities that start together', () => {
  const control = createImpactControl({ budget: 0.05, onLoad: () => undefined });
  assert.equal(control.initialShare(5), 0.01);
  assert.equal(createImpactControl({ budget: 1, onLoad: () => undefined }).initialShare(5), 1);
});

test('when an entity finishes the others split the whole budget between them', () => {
  const control = createImpactControl({ budget: 0.06, onLoad: () => undefined });
  const [a, b, c] = [fakeHandle(), fakeHandle(), fakeHandle()];
  for (const h of [a, b, c]) control.add(h.handle);
  control.remove(a.handle);
  assert.deepEqual(b.messages, [{ type: 'share', share: 0.03 }]);
  control.remove(b.handle);
  assert.deepEqual(c.messages, [{ type: 'share', share: 0.03 }, { type: 'share', share: 0.06 }]);
  assert.deepEqual(a.messages, []);
});

test('a whole budget sends no shares and reads no load', async () => {
  let opened = false;
  const control = createImpactControl({ budget: 1, onLoad: () => undefined, openMonitor: async () => {
    opened = true;
    throw new Error('not expected');
  } });
  const [a, b] = [fakeHandle(), fakeHandle()];
  control.add(a.handle);
  control.add(b.handle);
  control.start();
  control.remove(a.handle);
  await control.stop();
  assert.deepEqual(b.messages, []);
  assert.equal(opened, false);
});

test('sustained load pauses every running task and calm resumes them, with the reason reported', async () => {
  const calm = { threadsRunning: 2, probeMs: 1 };
  const busy = { threadsRunning: 40, probeMs: 1 };
  const reasons: (string | null)[] = [];
  const monitor = scriptedMonitor([calm, calm, calm, busy, busy, calm, calm]);
  const control = createImpactControl({ budget: 0.05, sampleMs: 0, openMonitor: monitor.open, onLoad: (r) => reasons.push(r) });
  const task = fakeHandle();
  control.add(task.handle);
  control.start();
  await monitor.played;
  await control.stop();
  assert.equal(task.messages.length, 2);
  assert.equal(task.messages[0].type, 'pause');
  assert.deepEqual(task.messages[1], { type: 'resume' });
  assert.equal(reasons.length, 2);
  assert.match(reasons[0]!, /40 queries running/);
  assert.equal(reasons[1], null);
  assert.equal(monitor.closed(), true);
});

test('a task that starts while the database is loaded is paused at once', async () => {
  const busy = { threadsRunning: 40, probeMs: 1 };
  const calm = { threadsRunning: 2, probeMs: 1 };
  const monitor = scriptedMonitor([calm, calm, calm, busy, busy]);
  const control = createImpactControl({ budget: 0.05, sampleMs: 0, openMonitor: monitor.open, onLoad: () => undefined });
  control.start();
  await monitor.played;
  await control.stop();
  const late = fakeHandle();
  control.add(late.handle);
  assert.equal(late.messages[0]?.type, 'pause');
});

test('an unreachable monitor leaves the export to the duty cycle alone', async () => {
  const control = createImpactControl({ budget: 0.05, sampleMs: 0, onLoad: () => undefined, openMonitor: async () => {
    throw new Error('refused');
  } });
  const task = fakeHandle();
  control.add(task.handle);
  control.start();
  await control.stop();
  assert.deepEqual(task.messages, []);
});
