// The governor steering simulated sites (test/helpers/simulated-site.ts): whatever the site, the export
// keeps the slowdown it causes under the budget, uses what the site leaves idle, backs off fast and
// comes back once the load has passed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { erlangC, GOVERNOR_TUNING } from '../../core/pacing/governor.ts';
import { between, type Machine, mean, settled, simulate, type SiteScript } from '../helpers/simulated-site.ts';

const BUDGET = 0.05;
const MAX_PACE = 4;
const settings = { budget: BUDGET, maxPace: MAX_PACE };

/**
 * A busy site of 2 ms probes where a pace of `atBudget` costs exactly the budget. Its database runs a hundred
 * of its queries at once, so the export's work beside them (the rule where the CPU is not read) leaves it
 * room: its probes steer it.
 */
const busySite = (atBudget: number, patch: Partial<SiteScript> = {}): SiteScript => ({
  baseMs: () => 2,
  cost: () => BUDGET / atBudget,
  activity: () => 100,
  ...patch,
});

describe('a site whose database is idle', () => {
  const idle: SiteScript = { baseMs: () => 0.3, cost: () => 0.5, activity: () => 0 };

  test('is exported flat out from the first reading, with no hold', () => {
    const ticks = simulate(settings, idle, 10_000);
    assert.ok(ticks.every((t) => t.decision.pace === MAX_PACE && !t.decision.hold && t.decision.state === 'idle-site'));
  });

  test('on a machine whose cores are idle too is exported flat out from the first reading', () => {
    const machine = { cores: 2, demand: () => 0.05, coresPerPace: 0.5 };
    const [first] = simulate(settings, { ...idle, machine }, 0);
    assert.equal(first.decision.state, 'idle-site');
    assert.equal(first.decision.pace, MAX_PACE);
  });

  test('that gets busy makes the export hold within half a second, then restart from a tenth of an entity', () => {
    const stepAt = 10_000;
    const ticks = simulate(settings, { ...idle, activity: (at) => (at < stepAt ? 0 : 3) }, 20_000);
    const after = between(ticks, stepAt, stepAt + 500);
    assert.ok(
      after.some((t) => t.decision.hold),
      'a hold within 0.5 s of the step',
    );
    const firstHold = after.find((t) => t.decision.hold)!;
    assert.ok(firstHold.decision.pace <= GOVERNOR_TUNING.startPace);
    const resumed = between(ticks, stepAt + 500, 20_000).find((t) => !t.decision.hold);
    assert.ok(resumed, 'the export resumes once the baseline is measured');
    assert.ok(resumed.decision.pace <= GOVERNOR_TUNING.startPace * 2, `resumed at ${resumed.decision.pace}`);
  });

  test('that goes quiet again is exported flat out a couple of seconds later', () => {
    const ticks = simulate(settings, busySite(0.3, { activity: (at) => (at < 30_000 ? 3 : 0) }), 40_000);
    assert.ok(between(ticks, 20_000, 30_000).every((t) => t.decision.pace < MAX_PACE));
    assert.ok(between(ticks, 33_000, 40_000).every((t) => t.decision.pace === MAX_PACE && !t.decision.hold));
  });
});

describe('a busy site', () => {
  test('whose first activity samples all missed its queries is measured first when the machine shows its cores busy', () => {
    // The monitor opens between the saturated site's short queries: its first samples see none at work.
    const missed = busySite(1, { activity: (at) => (at === 0 ? 0 : 3), machine: { cores: 2, demand: () => 2.5, coresPerPace: 0.5, idleShown: 0.1 } });
    const ticks = simulate(settings, missed, 5000);
    assert.equal(ticks[0].decision.state, 'measuring');
    assert.match(ticks[0].decision.reason ?? '', /the site's work takes 2.00 cores of this machine/);
    assert.ok(
      ticks.every((t) => t.decision.pace < MAX_PACE),
      'never flat out',
    );
  });

  test('starts with a hold that measures its latency before any export work', () => {
    const [first] = simulate(settings, busySite(0.3), 0);
    assert.equal(first.decision.hold, true);
    assert.equal(first.decision.state, 'measuring');
    assert.match(first.decision.reason ?? '', /measuring/);
  });

  for (const atBudget of [0.05, 0.3, 2]) {
    test(`where a pace of ${atBudget} costs the budget is slowed by less than the budget, at a pace near that one`, () => {
      const { pace, felt } = settled(settings, busySite(atBudget));
      assert.ok(felt <= BUDGET, `the site was ${(felt * 100).toFixed(1)}% slower on average`);
      assert.ok(pace >= atBudget * 0.4, `average pace ${pace.toFixed(3)} of ${atBudget}`);
    });
  }

  test('feels no sawtooth: once settled, hardly any ten seconds are slowed by more than the budget', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const ticks = simulate(settings, busySite(0.3), 300_000, seed);
      const spans = Array.from({ length: 24 }, (_, i) => mean(between(ticks, 60_000 + i * 10_000, 70_000 + i * 10_000).map((t) => t.slowdown)));
      const over = spans.filter((felt) => felt > BUDGET).length;
      assert.ok(
        over <= 4 && Math.max(...spans) < 2 * BUDGET,
        `seed ${seed}: ${over} of 24 spans of 10 s over the budget (${spans.map((f) => (f * 100).toFixed(1)).join(' ')})`,
      );
    }
  });

  test('with a spike in its load makes the export back off within 2 s, and come back once it passes', () => {
    const [spikeFrom, spikeTo] = [120_000, 180_000];
    // During the spike the export slows the site twenty times as much as before: about 40% at its pace.
    const script = busySite(0.3, { cost: (at) => (at >= spikeFrom && at < spikeTo ? (BUDGET / 0.3) * 20 : BUDGET / 0.3) });
    const ticks = simulate(settings, script, 300_000);
    const before = mean(between(ticks, spikeFrom - 20_000, spikeFrom).map((t) => t.decision.pace));
    const within2s = between(ticks, spikeFrom + 2000, spikeFrom + 2250)[0].decision.pace;
    assert.ok(within2s <= before / 2, `pace ${within2s.toFixed(3)} 2 s into the spike, ${before.toFixed(3)} before`);
    const recovered = mean(between(ticks, spikeTo + 60_000, 300_000).map((t) => t.decision.pace));
    assert.ok(recovered >= before * 0.5, `pace ${recovered.toFixed(3)} after the spike, ${before.toFixed(3)} before`);
  });

  test('whose own latency drifts keeps a baseline that follows it, so the pace does not collapse', () => {
    const drifting = busySite(0.3, { baseMs: (at) => 2 * (1 + at / 1_500_000) });
    const { pace, felt } = settled(settings, drifting);
    assert.ok(pace >= 0.3 * 0.15 && felt <= BUDGET, `average pace ${pace.toFixed(3)}, the site ${(felt * 100).toFixed(1)}% slower`);
  });

  test('shows its baseline, current latency, slowdown and the reason it slows the export', () => {
    const ticks = simulate(settings, busySite(0.3), 60_000);
    const last = ticks[ticks.length - 1].decision;
    assert.ok(last.baselineMs !== null && Math.abs(last.baselineMs - 2) < 0.3, `baseline ${last.baselineMs}`);
    assert.ok(last.currentMs !== null && last.slowdown !== null);
    assert.match(last.reason ?? '', /slower \(probe .* ms against .* ms; budget 5.0%\)/);
  });
});

describe('a site on the machine the export runs on, whose probes do not see the CPU the export takes', () => {
  // The probes sleep between lookups and are scheduled first: they stay as fast as without the export.
  const onMachine = (machine: Partial<Machine> & Pick<Machine, 'demand'>): SiteScript =>
    busySite(1, { cost: () => 0, machine: { cores: 2, coresPerPace: 0.5, ...machine } });
  // Where the site wants every core, a pace of 0.19 (0.095 cores against the site's 1.9) slows it by 5%.
  const saturatedPace = 0.19;

  test('is held under the budget by the CPU the export takes when no core is idle', () => {
    const { ticks: steady, pace, felt } = settled(settings, onMachine({ demand: () => 2.5 }));
    assert.ok(felt <= BUDGET, `the site was ${(felt * 100).toFixed(1)}% slower on average`);
    assert.ok(pace >= GOVERNOR_TUNING.minPace && pace <= saturatedPace, `average pace ${pace.toFixed(3)}`);
    assert.ok(steady.some((t) => /the export's CPU: its .* cores beside the site's .*, 0.00 idle/.test(t.decision.reason ?? '')));
  });

  test('where even the least pace costs more than the budget, says it crawls at the least pace rather than that it backs off', () => {
    // A pace of 0.01 takes 0.2 cores from a site that wants every core: the site is 11% slower.
    const ticks = simulate(settings, onMachine({ demand: () => 2.5, coresPerPace: 20 }), 60_000);
    const atLeast = between(ticks, 20_000, 60_000).filter((t) => t.decision.pace === GOVERNOR_TUNING.minPace && /slow/.test(t.decision.reason ?? ''));
    assert.ok(atLeast.length > 0, 'the export reaches the least pace with a reason');
    for (const { decision } of atLeast) assert.match(decision.reason ?? '', /: at the least pace$/);
  });

  test('is held under the budget when the saturated site still shows a tenth of a core idle', () => {
    const { pace, felt } = settled(settings, onMachine({ demand: () => 2.5, idleShown: 0.1 }));
    assert.ok(felt <= BUDGET, `the site was ${(felt * 100).toFixed(1)}% slower on average`);
    assert.ok(pace >= GOVERNOR_TUNING.minPace && pace <= saturatedPace, `average pace ${pace.toFixed(3)}`);
  });

  test('leaves a half-busy machine the idle cores its queue needs', () => {
    const machine = { demand: () => 1, tail: queueTail(2) };
    const { pace, felt } = settled(settings, onMachine(machine));
    const best = paceAtBudget({ cores: 2, coresPerPace: 0.5, ...machine });
    assert.ok(felt <= BUDGET, `the site was ${(felt * 100).toFixed(1)}% slower on average`);
    assert.ok(best < 0.5, `the queue allows a pace of ${best.toFixed(3)}`);
    assert.ok(pace >= best / 4 && pace <= best, `average pace ${pace.toFixed(3)}, ${best.toFixed(3)} at the budget`);
  });

  test('takes the idle cores of a big machine where its queue does not grow', () => {
    const machine = { cores: 32, demand: () => 16, tail: queueTail(32) };
    const { pace, felt } = settled(settings, onMachine(machine));
    assert.ok(felt <= BUDGET, `the site was ${(felt * 100).toFixed(1)}% slower on average`);
    assert.ok(pace >= 3, `average pace ${pace.toFixed(3)}`);
  });

  test('watches a crawling export less often, and as usual while it measures the baseline or once the pace is up', () => {
    const { fullSamplingPace, maxSamplingStretch } = GOVERNOR_TUNING;
    const saturated = settled(settings, onMachine({ demand: () => 2.5 })).ticks;
    const steering = saturated.filter((t) => t.decision.state === 'steering');
    const holding = saturated.filter((t) => t.decision.hold);
    assert.ok(steering.length > 0 && holding.length > 0, 'steered, and measured the baseline now and then');
    for (const { decision } of steering)
      assert.equal(decision.samplingStretch, Math.min(maxSamplingStretch, Math.max(1, fullSamplingPace / decision.pace)), `pace ${decision.pace}`);
    assert.ok(
      steering.some((t) => t.decision.samplingStretch === maxSamplingStretch),
      'a quarter as often at the least pace',
    );
    assert.ok(holding.every((t) => t.decision.samplingStretch === 1));
    const big = settled(settings, onMachine({ cores: 32, demand: () => 16, tail: queueTail(32) })).ticks;
    assert.ok(big.every((t) => t.decision.samplingStretch === 1));
  });

  test('backs off within 2 s when the site starts to want every core, and comes back when it stops', () => {
    const [stepFrom, stepTo] = [120_000, 200_000];
    // Eight cores: one busy leaves the export all it can take; ten wanted leave it 5% of the site's 7.6.
    const ticks = simulate(settings, onMachine({ cores: 8, demand: (at) => (at >= stepFrom && at < stepTo ? 10 : 1) }), 300_000);
    const stepPace = (2 * BUDGET * 8) / (1 + BUDGET);
    const before = mean(between(ticks, stepFrom - 20_000, stepFrom).map((t) => t.decision.pace));
    const within2s = between(ticks, stepFrom + 2000, stepFrom + 2250)[0].decision.pace;
    assert.ok(before >= 2, `pace ${before.toFixed(3)} before the step`);
    assert.ok(within2s <= 2 * stepPace, `pace ${within2s.toFixed(3)} 2 s into the step, ${before.toFixed(3)} before`);
    const recovered = mean(between(ticks, stepTo + 60_000, 300_000).map((t) => t.decision.pace));
    assert.ok(recovered >= 2, `pace ${recovered.toFixed(3)} after the step, ${before.toFixed(3)} before`);
  });
});

describe("Erlang's C formula", () => {
  test('is the chance to wait of one server (its load) and of two (2ρ²/(1+ρ))', () => {
    for (const load of [0.1, 0.5, 0.9]) {
      assert.ok(Math.abs(erlangC(1, load) - load) < 1e-12);
      assert.ok(Math.abs(erlangC(2, load) - (2 * load ** 2) / (1 + load)) < 1e-12);
    }
  });

  test('agrees with its sum form on many servers', () => {
    for (const [servers, load] of [
      [8, 0.5],
      [32, 0.7],
      [32, 0.95],
    ]) {
      assert.ok(Math.abs(erlangC(servers, load) - waitChance(servers, load)) < 1e-9, `${servers} servers at ${load}`);
    }
  });
});

/** Erlang's C by its sum: (a^c/c!)/(1-ρ) over the sum of a^k/k! below c plus the same. */
function waitChance(servers: number, load: number): number {
  const offered = servers * load;
  let term = 1;
  let below = 0;
  for (let k = 0; k < servers; k++) {
    below += term;
    term = (term * offered) / (k + 1);
  }
  const waiting = term / (1 - load);
  return waiting / (below + waiting);
}

/**
 * A site whose slow requests wait as in a queue of `servers` fed at random (M/M/c): one request's work
 * (its mean, 1) plus the 95th percentile of its wait; the busiest the queue is read at is 0.98.
 */
function queueTail(servers: number): (busy: number) => number {
  return (busy) => {
    const load = Math.min(0.98, busy);
    return 1 + Math.max(0, Math.log(waitChance(servers, load) / 0.05)) / (servers * (1 - load));
  };
}

/** The pace at which a machine's queue makes its site exactly the budget slower, by bisection. */
function paceAtBudget(machine: Machine): number {
  const tail = machine.tail!;
  const site = machine.demand(0) / machine.cores;
  const felt = (pace: number) => tail(site + (pace * machine.coresPerPace) / machine.cores) / tail(site) - 1;
  let [lo, hi] = [0, MAX_PACE];
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (felt(mid) > BUDGET) hi = mid;
    else lo = mid;
  }
  return lo;
}

describe('a database that does not tell its activity (a remote or managed one)', () => {
  test('is steered by its latency alone: a site the export barely slows reaches full pace by doubling', () => {
    const ticks = simulate(settings, busySite(50, { activity: () => null }), 60_000);
    const reached = ticks.find((t) => t.decision.pace === MAX_PACE);
    assert.ok(reached, 'full pace reached');
    assert.ok(reached.atMs < 30_000, `full pace after ${reached.atMs} ms`);
  });

  test('and one the export slows is held under the budget', () => {
    assert.ok(settled(settings, busySite(0.3, { activity: () => null })).felt <= BUDGET);
  });

  test('is watched as usual however slow the export: where the CPU is not read, the probes are all there is', () => {
    const { ticks } = settled(settings, busySite(0.02, { activity: () => null }));
    assert.ok(ticks.some((t) => t.decision.state === 'steering' && t.decision.pace < GOVERNOR_TUNING.fullSamplingPace));
    assert.ok(ticks.every((t) => t.decision.samplingStretch === 1));
  });
});

describe('a remote database, whose CPU is not read, and whose probes do not see the CPU the export takes', () => {
  // The export's work lands on the database's machine; the governor sees the site's queries at once, not its cores.
  const remote = (machine: Partial<Machine> & Pick<Machine, 'demand'>, queries: number): SiteScript =>
    busySite(1, { cost: () => 0, activity: () => queries, machine: { cores: 2, coresPerPace: 0.5, remote: true, ...machine } });

  test("is held under the budget when no core is idle, by its work beside the site's queries", () => {
    // The benchmark's saturated site: two cores wanted by more than they give, 1.1 of its queries at once.
    const { ticks, pace, felt } = settled(settings, remote({ demand: () => 2.5 }, 1.1));
    assert.ok(felt <= BUDGET, `the site was ${(felt * 100).toFixed(1)}% slower on average`);
    assert.ok(pace >= GOVERNOR_TUNING.minPace && pace <= GOVERNOR_TUNING.aimAt * BUDGET * 1.1 * 1.5, `average pace ${pace.toFixed(3)}`);
    assert.ok(ticks.every((t) => t.decision.cpuSlowdown === null));
    // Its work is weighed at every tick, so a crawling export is watched less often here too.
    const { fullSamplingPace, maxSamplingStretch } = GOVERNOR_TUNING;
    for (const { decision } of ticks.filter((t) => t.decision.state === 'steering'))
      assert.equal(decision.samplingStretch, Math.min(maxSamplingStretch, Math.max(1, fullSamplingPace / decision.pace)), `pace ${decision.pace}`);
    assert.ok(ticks.some((t) => t.decision.samplingStretch > 1));
    assert.ok(ticks.some((t) => /the export's work: .* entities beside the site's 1.10 queries at once/.test(t.decision.reason ?? '')));
  });

  test("on a big machine takes a share of it in proportion to the site's queries", () => {
    const { pace, felt } = settled(settings, remote({ cores: 32, demand: () => 16 }, 16));
    assert.ok(felt <= BUDGET, `the site was ${(felt * 100).toFixed(1)}% slower on average`);
    assert.ok(pace >= 0.3, `average pace ${pace.toFixed(3)}`);
  });
});

describe('a site that cannot be probed (the monitor cannot connect)', () => {
  test('is not held forever: the export goes on at its starting pace, unsteered', () => {
    const ticks = simulate(settings, { baseMs: () => 2, cost: () => 1, activity: () => null }, 20_000, 7, { probes: false });
    const late = between(ticks, 6000, 20_000);
    assert.ok(
      late.some((t) => !t.decision.hold),
      'released from the first hold',
    );
    assert.ok(late.filter((t) => !t.decision.hold).every((t) => t.decision.pace === GOVERNOR_TUNING.startPace));
    assert.match(late.find((t) => !t.decision.hold)!.decision.reason ?? '', /unsteered/);
  });
});
