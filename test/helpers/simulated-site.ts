/**
 * A site for the governor to steer, simulated: its probe latency rises with the export's pace (by `cost`
 * per unit of pace, a fraction of the site's own latency), with seeded lognormal noise, and its own
 * activity and load change over time as a test scripts them. Runs the governor tick by tick and records
 * what it decided and what the site really felt.
 */
import { mulberry32 } from '../../adapters/demo/seeded-random.ts';
import { createGovernor, type GovernorDecision, type GovernorSettings } from '../../core/pacing/governor.ts';

export interface SiteScript {
  /** The site's own probe latency without the export, in ms, at a time (ms since the start). */
  baseMs(atMs: number): number;
  /** How much one unit of pace slows the site at a time: 0.2 means a pace of 0.25 costs 5%. */
  cost(atMs: number): number;
  /** The site's own queries running at once, or null where the database does not tell. */
  activity(atMs: number): number | null;
}

export interface Tick {
  atMs: number;
  decision: GovernorDecision;
  /** The export work that really ran during the tick (nothing while holding). */
  load: number;
  /** How much slower the site really was during the tick. */
  slowdown: number;
}

const TICK_MS = 250;
const PROBES_PER_TICK = 25;
// A probe's latency scatters around its median by about a third (lognormal).
const NOISE_SIGMA = 0.3;

export function simulate(settings: GovernorSettings, script: SiteScript, durationMs: number, seed = 7, options = { probes: true }): Tick[] {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const governor = createGovernor(settings);
  const ticks: Tick[] = [];
  let load = 0;
  for (let atMs = 0; atMs <= durationMs; atMs += TICK_MS) {
    const slowdown = script.cost(atMs) * load;
    const probesMs =
      atMs === 0 || !options.probes
        ? []
        : Array.from({ length: PROBES_PER_TICK }, () => script.baseMs(atMs) * (1 + slowdown) * Math.exp(NOISE_SIGMA * gaussian()));
    const decision = governor.observe({ probesMs, activity: script.activity(atMs) }, atMs);
    ticks.push({ atMs, decision, load, slowdown });
    load = decision.hold ? 0 : decision.pace;
  }
  return ticks;
}

/** The ticks in [fromMs, toMs). */
export function between(ticks: readonly Tick[], fromMs: number, toMs: number): Tick[] {
  return ticks.filter((t) => t.atMs >= fromMs && t.atMs < toMs);
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
