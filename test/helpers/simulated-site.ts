/**
 * A site for the governor to steer, simulated: its probe latency rises with the export's pace (by `cost`
 * per unit of pace, a fraction of the site's own latency), with seeded lognormal noise, and its own
 * activity and load change over time as a test scripts them. A site may also run on a machine whose
 * cores the export shares: the export uses cores in proportion to its pace, and where the site and the
 * export want more cores than there are, the site gets what the export leaves (a CPU slowdown the probes
 * may not see). Runs the governor tick by tick and records what it decided and what the site really felt.
 */
import { mulberry32 } from '../../adapters/demo/seeded-random.ts';
import { createGovernor, type GovernorDecision, type GovernorSettings, type SiteCpu } from '../../core/pacing/governor.ts';

export interface SiteScript {
  /** The site's own probe latency without the export, in ms, at a time (ms since the start). */
  baseMs(atMs: number): number;
  /** How much one unit of pace slows the site at a time: 0.2 means a pace of 0.25 costs 5%. */
  cost(atMs: number): number;
  /** The site's own queries running at once, or null where the database does not tell. */
  activity(atMs: number): number | null;
  /** The machine the database shares with the export, where /proc tells of it. */
  machine?: Machine;
}

export interface Machine {
  cores: number;
  /** The cores the site's own work wants at a time. */
  demand(atMs: number): number;
  /** The cores the export uses per unit of pace. */
  coresPerPace: number;
  /** Cores /proc shows idle however busy the site is: a closed loop's clients waiting on their round trips. */
  idleShown?: number;
  /**
   * The site's slow requests' latency at a share of the cores busy, in any unit: where it is given, the
   * export's cores also lengthen the site's queue, and the site feels tail(with the export) over tail(without).
   */
  tail?: (busy: number) => number;
  /** The database's machine, whose CPU this one's /proc does not show (a remote database). */
  remote?: boolean;
}

/** What the machine's CPU shows at a load, and the slowdown the site feels from it. */
function machineAt(machine: Machine, atMs: number, load: number): { cpu: SiteCpu; slowdown: number } {
  const exportCores = Math.min(machine.cores, machine.coresPerPace * load);
  const demand = machine.demand(atMs);
  const siteCores = Math.min(demand, machine.cores - exportCores);
  // The site's work gets `siteCores` where it would have had all it wants, up to every core; and its queue
  // is longer by the export's cores.
  const shared = Math.min(demand, machine.cores) / Math.max(siteCores, 1e-9) - 1;
  const { tail } = machine;
  const queued = tail === undefined ? 0 : tail((siteCores + exportCores) / machine.cores) / tail(siteCores / machine.cores) - 1;
  return {
    cpu: { idleCores: Math.max(machine.idleShown ?? 0, machine.cores - exportCores - demand), siteCores, exportCores },
    slowdown: shared + queued,
  };
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
  // The monitor probes as often as the governor's last answer asks.
  let stretch = 1;
  for (let atMs = 0; atMs <= durationMs; atMs += TICK_MS) {
    const probed = script.cost(atMs) * load;
    const probesMs =
      atMs === 0 || !options.probes
        ? []
        : Array.from({ length: Math.round(PROBES_PER_TICK / stretch) }, () => script.baseMs(atMs) * (1 + probed) * Math.exp(NOISE_SIGMA * gaussian()));
    const machine = script.machine === undefined ? null : machineAt(script.machine, atMs, load);
    const decision = governor.observe(
      { probesMs, activity: script.activity(atMs), cpu: script.machine?.remote ? null : (machine?.cpu ?? null), exportWork: load },
      atMs,
    );
    ticks.push({ atMs, decision, load, slowdown: probed + (machine?.slowdown ?? 0) });
    load = decision.hold ? 0 : decision.pace;
    stretch = decision.samplingStretch;
  }
  return ticks;
}

/** The ticks in [fromMs, toMs). */
export function between(ticks: readonly Tick[], fromMs: number, toMs: number): Tick[] {
  return ticks.filter((t) => t.atMs >= fromMs && t.atMs < toMs);
}

/** Five minutes of a script, and its last four (once the governor has settled): their ticks, the export's average pace and the site's average slowdown. */
export function settled(settings: GovernorSettings, script: SiteScript, seed?: number): { ticks: Tick[]; pace: number; felt: number } {
  const ticks = between(simulate(settings, script, 300_000, seed), 60_000, 300_000);
  return { ticks, pace: mean(ticks.map((t) => t.load)), felt: mean(ticks.map((t) => t.slowdown)) };
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
