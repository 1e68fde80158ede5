// The job-side pacer: how many entities run, each one's duty cycle, and holds, in each mode of the plan.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRunPacing } from '../../core/job/run-pacing.ts';
import { GOVERNOR_TUNING } from '../../core/pacing/governor.ts';
import { createPacer, type PaceMessage } from '../../core/pacing/pacer.ts';
import type { MonitorReading } from '../../core/pacing/site-monitor.ts';

function entity() {
  const seen: PaceMessage[] = [];
  return {
    seen,
    send: (m: PaceMessage) => void seen.push(m),
    get last() {
      return seen[seen.length - 1];
    },
  };
}

const monitorOf =
  (reading: () => MonitorReading, stretched: number[] = []) =>
  async () => ({
    take: reading,
    stretch: (times: number) => void stretched.push(times),
    close: async () => undefined,
  });
const waitFor = async (ok: () => boolean, timeoutMs = 1000) => {
  for (const end = Date.now() + timeoutMs; Date.now() < end && !ok(); ) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(ok());
};

test('at budget 1 every entity up to the limit starts at once with a whole duty cycle', async () => {
  const pacer = createPacer({ plan: { mode: 'unlimited', maxEntities: 4 } });
  const messages = await Promise.all([1, 2, 3, 4].map(() => pacer.admit()));
  assert.deepEqual(
    messages.map((m) => [m.dutyCycle, m.hold]),
    Array(4).fill([1, false]),
  );
  let fifth = false;
  void pacer.admit().then(() => (fifth = true));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(fifth, false, 'a fifth entity waits');
  pacer.done(null);
  await waitFor(() => fifth);
});

test('a fixed share splits its cores between the running entities, each at least a tenth of a core', async () => {
  const pacer = createPacer({ plan: { mode: 'fixed', share: 0.1, cores: 0.2, maxEntities: 4, costBasis: 'cpu' } });
  const [a, b] = [entity(), entity()];
  await pacer.admit();
  pacer.add(a);
  assert.equal(a.last.dutyCycle, 0.2);
  await pacer.admit();
  pacer.add(b);
  assert.equal(a.last.dutyCycle, 0.1);
  assert.equal(b.last.dutyCycle, 0.1);
  let third = false;
  void pacer.admit().then(() => (third = true));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(third, false, 'no room for a third at a tenth of a core each');
  pacer.done(a);
  await waitFor(() => third);
  assert.equal(pacer.view().share, 0.1);
});

test('a governed export of an idle site runs every entity flat out from the first reading', async () => {
  const pacer = createPacer({
    plan: { mode: 'governed', budget: 0.05, maxEntities: 4 },
    tickMs: 5,
    openMonitor: monitorOf(() => ({ probesMs: [0.2], activity: 0, idleCores: 1.9 })),
  });
  const first = pacer.admit();
  pacer.start();
  await first;
  const entities = [entity()];
  pacer.add(entities[0]);
  await waitFor(() => entities[0].last.dutyCycle === 1 && !entities[0].last.hold);
  for (let i = 0; i < 3; i++) {
    await pacer.admit();
    entities.push(entity());
    pacer.add(entities[i + 1]);
  }
  assert.ok(entities.every((e) => e.last.dutyCycle === 1 && !e.last.hold));
  const view = pacer.view();
  assert.equal(view.state, 'idle-site');
  assert.equal(view.pace, 4);
  assert.equal(view.idleCores, 1.9);
  await pacer.stop();
});

test('a governed export of a busy site starts no entity while it measures the site first, then starts one at a tenth', async () => {
  const pacer = createPacer({
    plan: { mode: 'governed', budget: 0.05, maxEntities: 4 },
    tickMs: 5,
    openMonitor: monitorOf(() => ({ probesMs: [2, 2.1], activity: 3, idleCores: 0 })),
  });
  let admitted: PaceMessage | null = null;
  void pacer.admit().then((m) => (admitted = m));
  pacer.start();
  await waitFor(() => pacer.view().state === 'measuring');
  assert.equal(admitted, null, 'no entity starts during the first measurement');
  assert.match(pacer.view().reason ?? '', /measuring/);
  await waitFor(() => admitted !== null, 3000);
  const first = admitted as PaceMessage | null;
  assert.deepEqual([first?.hold, first?.dutyCycle], [false, 0.1]);
  await pacer.stop();
});

test('an entity is sent only new instructions, not the same ones at every reading', async () => {
  let ticks = 0;
  const pacer = createPacer({
    plan: { mode: 'governed', budget: 0.05, maxEntities: 4 },
    tickMs: 5,
    openMonitor: monitorOf(() => {
      ticks++;
      return { probesMs: [2, 2.1], activity: 3, idleCores: 0 };
    }),
  });
  const first = pacer.admit();
  pacer.start();
  await first;
  const running = entity();
  pacer.add(running);
  const [sentBefore, ticksBefore] = [running.seen.length, ticks];
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(ticks - ticksBefore >= 20, `${ticks - ticksBefore} readings`);
  // Within one 2 s epoch the governor's answer stands: nothing new to say.
  assert.equal(running.seen.length, sentBefore, `${running.seen.length - sentBefore} messages over ${ticks - ticksBefore} readings`);
  assert.deepEqual([running.last.hold, running.last.dutyCycle], [false, 0.1]);
  await pacer.stop();
});

test('a governed export whose site monitor cannot open holds to measure, then goes on unsteered at a tenth', async () => {
  const pacer = createPacer({
    plan: { mode: 'governed', budget: 0.05, maxEntities: 4 },
    tickMs: 5,
    openMonitor: async () => {
      throw new Error('refused');
    },
  });
  pacer.start();
  const first = pacer.admit();
  await waitFor(() => pacer.view().state === 'measuring');
  const message = await first;
  assert.deepEqual([message.hold, message.dutyCycle], [false, 0.1]);
  assert.match(pacer.view().reason ?? '', /unsteered/);
  await pacer.stop();
});

test("the job's own work (the row estimates) is told what the first entity is told, without taking an entity's room", async () => {
  const pacer = createPacer({ plan: { mode: 'fixed', share: 0.1, cores: 0.2, maxEntities: 4, costBasis: 'cpu' } });
  const estimates = entity();
  const end = pacer.helper(estimates);
  assert.equal(estimates.last.dutyCycle, 0.2);
  assert.equal(estimates.last.hold, false);
  // The fixed share has room for two entities: the helper took neither place.
  const [a, b] = [entity(), entity()];
  await pacer.admit();
  pacer.add(a);
  await pacer.admit();
  pacer.add(b);
  assert.equal(a.last.dutyCycle, 0.1);
  assert.equal(estimates.last.dutyCycle, a.last.dutyCycle);
  const heard = estimates.seen.length;
  end();
  pacer.done(b);
  assert.equal(a.last.dutyCycle, 0.2, 'the entity left running is told its new duty cycle');
  assert.equal(estimates.seen.length, heard, 'an ended helper hears nothing more');
});

test('a governed export holds its own work with its entities while it measures', async () => {
  const pacer = createPacer({
    plan: { mode: 'governed', budget: 0.05, maxEntities: 4 },
    tickMs: 5,
    openMonitor: monitorOf(() => ({ probesMs: [2], activity: 3, idleCores: 0 })),
  });
  const estimates = entity();
  pacer.helper(estimates);
  pacer.start();
  await waitFor(() => pacer.view().state === 'measuring');
  assert.equal(estimates.last.hold, true);
  await pacer.stop();
});

test('entities under a budget run in the background (lowest CPU priority); at budget 1 at normal priority', async () => {
  const admitted = async (plan: Parameters<typeof createRunPacing>[0]['plan']) => {
    const pacing = createRunPacing({ plan }, () => undefined);
    const task = await pacing.admit();
    await pacing.stop();
    return task.background === true;
  };
  assert.equal(await admitted({ mode: 'unlimited', maxEntities: 4 }), false);
  assert.equal(await admitted({ mode: 'fixed', share: 0.1, cores: 0.2, maxEntities: 4, costBasis: 'wall' }), true);
});

/** A governed pacer on a busy site whose machine has no core idle (the export's process using 0.05 cores). */
const onSaturatedMachine = (stretched: number[] = []) =>
  createPacer({
    plan: { mode: 'governed', budget: 0.05, maxEntities: 4 },
    tickMs: 5,
    openMonitor: monitorOf(() => ({ probesMs: [2, 2.1], activity: 3, idleCores: 0, busyCores: 2, sluiceCores: 0.05 }), stretched),
  });

/**
 * Runs `check` while one entity of the pacer's runs and its queries keep 1.5 cores of the database busy:
 * against the saturated site's 0.45, far over the budget.
 */
async function withHeavyEntity(pacer: ReturnType<typeof createPacer>, check: () => Promise<void>) {
  const a = entity();
  const admitted = pacer.admit();
  pacer.start();
  await admitted;
  pacer.add(a);
  const from = Date.now();
  const reporting = setInterval(() => pacer.queryCpu(a, (Date.now() - from) * 1.5), 5);
  try {
    await check();
  } finally {
    clearInterval(reporting);
    await pacer.stop();
  }
}

test("governed, the CPU the running entities' queries report is weighed against the site's: with no core idle, the pace falls", async () => {
  const pacer = onSaturatedMachine();
  await withHeavyEntity(pacer, async () => {
    await waitFor(() => (pacer.view().cpuSlowdown ?? 0) > 1, 5000);
    await waitFor(() => pacer.view().pace < 0.1 && /the export's CPU/.test(pacer.view().reason ?? ''), 5000);
  });
});

test('governed, the monitor samples as usual while the governor measures, and less often once the export crawls on a machine whose CPU it reads', async () => {
  const stretched: number[] = [];
  const pacer = onSaturatedMachine(stretched);
  await withHeavyEntity(pacer, async () => {
    await waitFor(() => pacer.view().pace > 0 && pacer.view().pace < GOVERNOR_TUNING.fullSamplingPace, 5000);
    await waitFor(() => stretched.length > 0 && stretched[stretched.length - 1] > 1, 1000);
    assert.equal(stretched[0], 1, 'told to sample as usual while measuring the baseline');
    assert.ok(
      stretched.every((times) => times >= 1 && times <= GOVERNOR_TUNING.maxSamplingStretch),
      `told ${stretched.join(', ')}`,
    );
  });
});

test("governed, where the CPU is not read, the running entities' work is weighed against the site's queries at once: with a few, the pace falls", async () => {
  // A remote database: no CPU from /proc; its probes do not move, and 0.3 of its queries run at once.
  const pacer = createPacer({
    plan: { mode: 'governed', budget: 0.05, maxEntities: 4 },
    tickMs: 5,
    openMonitor: monitorOf(() => ({ probesMs: [2, 2.1], activity: 0.3, idleCores: null })),
  });
  const a = entity();
  const admitted = pacer.admit();
  pacer.start();
  assert.equal((await admitted).dutyCycle, GOVERNOR_TUNING.startPace);
  pacer.add(a);
  try {
    // A tenth of an entity's work beside 0.3 queries at once is a third of the site's: far over the budget.
    await waitFor(() => pacer.view().pace < 0.05 && /the export's work/.test(pacer.view().reason ?? ''), 5000);
    assert.equal(pacer.view().cpuSlowdown, null);
    assert.ok(a.last.dutyCycle < 0.05, `the entity works ${a.last.dutyCycle} of its time`);
  } finally {
    await pacer.stop();
  }
});

test('an entity whose queries cannot be timed leaves the governor without the CPU; a late report of an ended one counts for nothing', async () => {
  const pacer = onSaturatedMachine();
  const [a, b] = [entity(), entity()];
  const admitted = pacer.admit();
  pacer.start();
  await admitted;
  pacer.add(a);
  pacer.add(b);
  const from = Date.now();
  const reporting = setInterval(() => {
    pacer.queryCpu(a, (Date.now() - from) * 1.5);
    pacer.queryCpu(b, null);
  }, 5);
  try {
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(pacer.view().cpuSlowdown, null);
    pacer.done(b);
    await waitFor(() => (pacer.view().cpuSlowdown ?? 0) > 1, 5000);
  } finally {
    clearInterval(reporting);
    await pacer.stop();
  }
});
