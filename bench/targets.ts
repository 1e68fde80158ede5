// The targets, each checked against the report's numbers and said with its margin: met by how
// much there was to spare, NOT met by how much it was over.
import { PER_CORE_TARGET, type CpuPerRow } from './cpu-per-row.ts';
import { fmt, pct, plural, secondsOrNever } from './format.ts';
import { type DumpSummary, FLAT_MEMORY_TARGET, IMPACT_TARGET, type RunSummary } from './report.ts';
import type { LoadSummaries } from './summary.ts';

export const IDLE_RATIO_TARGET = 1.5;
export const ORACLE_RATIO_TARGET = 1.25;
export const STEP_SECONDS_TARGET = 2;
// The issue asks for medians of at least this many paired rounds on the saturated load.
const MIN_ROUNDS = 5;

export interface Target {
  load: string;
  what: string;
  /** The measured value as printed. */
  value: string;
  met: boolean | null;
  /** How far from the limit: to spare when met, over when not. */
  margin: string;
}

/** `fall` is a drop shown as the change it is (a 3% drop prints as −3.0%). */
type Unit = 'ratio' | 'percent' | 'fall' | 'seconds';
const SHOW: Record<Unit, (n: number) => string> = {
  ratio: (n) => `${fmt(n, 2)}×`,
  percent: pct,
  fall: (n) => pct(-n),
  seconds: secondsOrNever,
};
const gap = (n: number, unit: Unit) => (unit === 'percent' || unit === 'fall' ? `${fmt(Math.abs(n) * 100, 1)} points` : SHOW[unit](Math.abs(n)));

/** A value held to a maximum. */
export function atMost(load: string, what: string, value: number | null, max: number, unit: Unit, note = ''): Target {
  if (value === null || Number.isNaN(value)) return { load, what, value: 'not measured', met: null, margin: note };
  const met = value <= max;
  const margin = Number.isFinite(value) ? `${gap(max - value, unit)} ${met ? 'to spare' : 'over'}` : 'never';
  return { load, what, value: SHOW[unit](value), met, margin: margin + note };
}

export function impactTargets(load: string, run: RunSummary | undefined, throughput = true): Target[] {
  const note = run && run.rounds < MIN_ROUNDS ? ` (${plural(run.rounds, 'round')} only; the target asks for ${MIN_ROUNDS})` : '';
  const impact = run?.impact ?? null;
  const out = [atMost(load, 'p95 rises by at most 5%', impact?.p95Rise ?? null, IMPACT_TARGET, 'percent', note)];
  if (throughput) out.unshift(atMost(load, 'throughput falls by at most 5%', impact?.throughputDrop ?? null, IMPACT_TARGET, 'fall', note));
  return out;
}

export function perCoreTarget(cpu: CpuPerRow): Target {
  const rated = Object.entries(cpu.entities).filter(([, e]) => e.ratio !== null);
  if (rated.length === 0)
    return { load: 'all', what: `rows per CPU-second ≥ ${PER_CORE_TARGET}× Atlassian's per core`, value: 'no rate to compare', met: null, margin: '' };
  const [name, lowest] = rated.reduce((a, b) => (b[1].ratio! < a[1].ratio! ? b : a));
  const met = lowest.ratio! >= PER_CORE_TARGET;
  return {
    load: 'all',
    what: `rows per CPU-second ≥ ${PER_CORE_TARGET}× Atlassian's per-core rate, every entity`,
    value: `lowest ${name} ${fmt(lowest.ratio!, 1)}×`,
    met,
    margin: `${fmt(Math.abs(lowest.ratio! - PER_CORE_TARGET), 1)}× ${met ? 'to spare' : 'short'}`,
  };
}

/** Every entity above Atlassian's absolute rows/s (compared only on a quiet or half-loaded site). */
export function atlassianRateTarget(load: string, run: RunSummary | undefined, atlassian: Record<string, number>): Target {
  const what = "every entity above Atlassian's rows/s";
  if (!run) return { load, what, value: 'not measured', met: null, margin: '' };
  const ratios = Object.entries(run.entities)
    .filter(([name]) => atlassian[name] !== undefined)
    .map(([name, e]) => [name, e.rowsPerSecond / atlassian[name]] as const);
  if (ratios.length === 0) return { load, what, value: 'no rate to compare', met: null, margin: '' };
  const [name, lowest] = ratios.reduce((a, b) => (b[1] < a[1] ? b : a));
  return { load, what, value: `lowest ${name} ${fmt(lowest, 2)}× theirs`, met: lowest > 1, margin: '' };
}

export function peerTargets(dumps: readonly DumpSummary[], ratioAt4x: number | null, scale: number, memoryDifference: number | null): Target[] {
  const first = dumps[0];
  return [
    ...dumps.map((d) => atMost('budget 1', `at most ${d.target}× ${d.label} at scale ${scale}`, d.sluiceTo, d.target, 'ratio')),
    atMost('budget 1', `at most ${first.target}× ${first.label} at scale ${scale * 4}`, ratioAt4x, first.target, 'ratio'),
    atMost(
      'budget 1',
      `peak RSS at 4× the scale within ${FLAT_MEMORY_TARGET * 100}%`,
      memoryDifference === null ? null : Math.abs(memoryDifference),
      FLAT_MEMORY_TARGET,
      'percent',
    ),
  ];
}

/** Every target the loads that ran can show, in the order, then the per-core rate and the peers. */
export function checkTargets(
  loads: LoadSummaries,
  cpu: CpuPerRow,
  atlassian: Record<string, number>,
  peers: { dumps: readonly DumpSummary[]; ratioAt4x: number | null; scale: number; memoryDifference: number | null },
): Target[] {
  const out: Target[] = [];
  if (loads.idle) {
    out.push(atMost('idle', `export at most ${IDLE_RATIO_TARGET}× the budget-1 time`, loads.idle.toBudgetOne, IDLE_RATIO_TARGET, 'ratio'));
    out.push(atlassianRateTarget('idle', loads.idle, atlassian));
  }
  if (loads.half) {
    const half = loads.half;
    out.push(...impactTargets('half', half, false));
    const oracle = half.oracle ? ` (fixed share ${half.oracle.share})` : ' (no fixed share held the p95)';
    out.push(atMost('half', `export at most ${ORACLE_RATIO_TARGET}× the oracle's time${oracle}`, half.toOracle, ORACLE_RATIO_TARGET, 'ratio'));
    out.push(atlassianRateTarget('half', half, atlassian));
  }
  if (loads.saturated) out.push(...impactTargets('saturated', loads.saturated));
  if (loads['saturated-other']) out.push(...impactTargets('saturated-other', loads['saturated-other']));
  if (loads.step) {
    const response = loads.step.responseSeconds?.median ?? null;
    out.push(
      atMost('step', `at the saturated rate within ${STEP_SECONDS_TARGET} s of the step (median of the rounds)`, response, STEP_SECONDS_TARGET, 'seconds'),
    );
    out.push(...impactTargets('step', loads.step, false).map((t) => ({ ...t, what: `${t.what} from the step to the cut` })));
  }
  out.push(perCoreTarget(cpu));
  out.push(...peerTargets(peers.dumps, peers.ratioAt4x, peers.scale, peers.memoryDifference));
  return out;
}
