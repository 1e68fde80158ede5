import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImpactControl, IMPACT_HEADROOM } from '../../core/pacing/impact-control.ts';
import type { LoadSample } from '../../core/pacing/load-governor.ts';
import type { TaskHandle } from '../../core/job/ports.ts';
import type { ControlMessage, EntityOutcome } from '../../core/job/task.ts';

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

const settle = () => new Promise((resolve) => setImmediate(resolve));

// The split itself is checked on the whole budget (headroom 1); the held-back part is checked once, below.
test('by default part of the budget is held back for costs no clock measures', async () => {
  const control = createImpactControl({ budget: 0.05, capacity: 2, onLoad: () => undefined });
  assert.equal(control.cores, 0.05 * 2 * IMPACT_HEADROOM);
  assert.ok(IMPACT_HEADROOM > 0 && IMPACT_HEADROOM < 1);
  assert.equal(await control.admit(), 0.05 * 2 * IMPACT_HEADROOM);
  assert.equal(createImpactControl({ budget: 1, capacity: 2, onLoad: () => undefined }).cores, 0);
});

test('a thin budget runs one entity at a time at the whole budget', async () => {
  // 5% of 2 cores is a tenth of a core: room for one entity at 10% duty.
  const control = createImpactControl({ headroom: 1, budget: 0.05, capacity: 2, onLoad: () => undefined });
  const order: string[] = [];
  const first = control.admit().then((share) => order.push(`users ${share}`));
  const second = control.admit().then((share) => order.push(`pages ${share}`));
  await first;
  await settle();
  assert.deepEqual(order, ['users 0.1']);
  control.done(null);
  await second;
  assert.deepEqual(order, ['users 0.1', 'pages 0.1']);
});

test('a wider budget runs entities side by side and splits it between them', async () => {
  // 20% of 2 cores: 0.4 cores, room for four entities.
  const control = createImpactControl({ headroom: 1, budget: 0.2, capacity: 2, onLoad: () => undefined });
  const a = fakeHandle();
  assert.equal(await control.admit(), 0.4);
  control.add(a.handle);
  assert.equal(await control.admit(), 0.2);
  // The entity already running is told its smaller share.
  assert.deepEqual(a.messages, [{ type: 'share', share: 0.2 }]);
});

test('when an entity finishes and none is waiting the others split the whole budget', async () => {
  const control = createImpactControl({ headroom: 1, budget: 0.3, capacity: 1, onLoad: () => undefined });
  const [a, b, c] = [fakeHandle(), fakeHandle(), fakeHandle()];
  for (const h of [a, b, c]) {
    await control.admit();
    control.add(h.handle);
  }
  control.done(a.handle);
  assert.deepEqual(b.messages.at(-1), { type: 'share', share: 0.15 });
  control.done(b.handle);
  assert.deepEqual(c.messages.at(-1), { type: 'share', share: 0.3 });
  assert.equal(a.messages.length, 2);
});

test('a freed slot goes to the entity waiting for it, which starts with the same share', async () => {
  const control = createImpactControl({ headroom: 1, budget: 0.1, capacity: 1, onLoad: () => undefined });
  const a = fakeHandle();
  await control.admit();
  control.add(a.handle);
  let started: number | null = null;
  const waiting = control.admit().then((share) => (started = share));
  await settle();
  assert.equal(started, null);
  control.done(a.handle);
  await waiting;
  assert.equal(started, 0.1);
});

test('a whole budget runs every entity at once without pauses and reads no load', async () => {
  let opened = false;
  const control = createImpactControl({
    headroom: 1,
    budget: 1,
    capacity: 2,
    onLoad: () => undefined,
    openMonitor: async () => {
      opened = true;
      throw new Error('not expected');
    },
  });
  const shares = await Promise.all([1, 2, 3, 4, 5].map(() => control.admit()));
  assert.deepEqual(shares, [1, 1, 1, 1, 1]);
  const b = fakeHandle();
  control.add(b.handle);
  control.start();
  control.done(null);
  await control.stop();
  assert.deepEqual(b.messages, []);
  assert.equal(opened, false);
});

test("no more entities run at once than twice the machine's cores, even on a whole budget", async () => {
  const control = createImpactControl({ headroom: 1, budget: 1, capacity: 2, cores: 2, onLoad: () => undefined });
  for (let i = 0; i < 4; i++) await control.admit();
  let fifth = false;
  const waiting = control.admit().then(() => (fifth = true));
  await settle();
  assert.equal(fifth, false);
  control.done(null);
  await waiting;
  assert.equal(fifth, true);
});

test('sustained load pauses every running task and calm resumes them, with the reason reported', async () => {
  const calm = { threadsRunning: 2, probeMs: 1 };
  const busy = { threadsRunning: 40, probeMs: 1 };
  const reasons: (string | null)[] = [];
  const monitor = scriptedMonitor([calm, calm, calm, busy, busy, calm, calm]);
  const control = createImpactControl({ headroom: 1, budget: 0.05, capacity: 1, sampleMs: 0, openMonitor: monitor.open, onLoad: (r) => reasons.push(r) });
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
  const control = createImpactControl({ headroom: 1, budget: 0.05, capacity: 1, sampleMs: 0, openMonitor: monitor.open, onLoad: () => undefined });
  control.start();
  await monitor.played;
  await control.stop();
  const late = fakeHandle();
  control.add(late.handle);
  assert.equal(late.messages[0]?.type, 'pause');
});

test('a monitor whose connection dies is opened again, and its samples count once it answers', async () => {
  const reasons: (string | null)[] = [];
  let opened = 0;
  const busy = { threadsRunning: 40, probeMs: 1 };
  const calm = { threadsRunning: 2, probeMs: 1 };
  // The first connection answers three calm samples and then dies; the next plays calm, busy, busy.
  const scripts: (LoadSample | null)[][] = [
    [calm, calm, calm, null],
    [calm, busy, busy],
  ];
  let ended: () => void = () => undefined;
  const played = new Promise<void>((resolve) => (ended = resolve));
  const control = createImpactControl({
    headroom: 1,
    budget: 0.05,
    capacity: 1,
    sampleMs: 0,
    onLoad: (r) => reasons.push(r),
    openMonitor: async () => {
      const script = scripts[opened++];
      if (!script) throw new Error('refused');
      return {
        async sample() {
          if (script.length === 0 && opened === 2) ended();
          const next = script.shift();
          if (next === null || next === undefined) throw new Error('connection killed');
          return next;
        },
        async close() {},
      };
    },
  });
  const task = fakeHandle();
  control.add(task.handle);
  control.start();
  await played;
  await control.stop();
  assert.ok(opened >= 2, `opened ${opened} times`);
  assert.equal(task.messages[0]?.type, 'pause');
  assert.match(String(reasons[0]), /database busy/);
});

test('an unreachable monitor leaves the export to the duty cycle alone', async () => {
  const control = createImpactControl({
    headroom: 1,
    budget: 0.05,
    capacity: 1,
    sampleMs: 0,
    onLoad: () => undefined,
    openMonitor: async () => {
      throw new Error('refused');
    },
  });
  const task = fakeHandle();
  control.add(task.handle);
  control.start();
  await control.stop();
  assert.deepEqual(task.messages, []);
});
