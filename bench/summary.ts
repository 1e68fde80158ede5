// The benchmark's results put together: one entry per load (a median run with its spread, and what the
// load adds: the sweep and its oracle, the step's response), the CPU per row, and the targets. This is
// also the JSON `--json` writes.
import { cpuPerRow, type CpuPerRow } from './cpu-per-row.ts';
import type { HalfResult } from './loads/half.ts';
import type { IdleResult } from './loads/idle.ts';
import type { SaturatedResult } from './loads/saturated.ts';
import type { StepResult } from './loads/step.ts';
import type { OtherTablesPlan } from './other-tables.ts';
import type { FullSpeedRound } from './phases.ts';
import { ATLASSIAN_ROWS_PER_SECOND, medianRun, spreadOf, type RunSummary, type Spread } from './report.ts';
import { median } from './stats.ts';
import { stepResponse, type StepResponse } from './step-analysis.ts';

export interface Results {
  product: 'confluence' | 'jira';
  fullSpeed: FullSpeedRound[];
  idle: IdleResult | null;
  saturated: SaturatedResult | null;
  half: HalfResult | null;
  /** The step load, with the saturated pace it is held to and where that came from. */
  step: (StepResult & { saturatedRowsPerSecond: number; levelSource: string }) | null;
  other: SaturatedResult | null;
}

export interface SweepSummary {
  share: number;
  run: RunSummary | null;
  holds: boolean | null;
}

export interface LoadSummaries {
  idle?: RunSummary & { budgetOneSeconds: number; toBudgetOne: number };
  saturated?: RunSummary;
  half?: RunSummary & {
    rate: number;
    saturatedOpsPerSecond: number;
    calibration: string;
    connections: number;
    sweep: SweepSummary[];
    oracle: { share: number; totalSeconds: number; p95Rise: number } | null;
    toOracle: number | null;
  };
  step?: RunSummary & {
    saturatedRowsPerSecond: number;
    levelSource: string;
    responses: (StepResponse | null)[];
    /** Seconds from the step until the export's rate was at its saturated level (a round that never got there counts as never). */
    responseSeconds: Spread | null;
  };
  'saturated-other'?: RunSummary & { tables: OtherTablesPlan };
}

const rowsPerSecond = (run: RunSummary) => Object.values(run.entities).reduce((sum, e) => sum + e.rows, 0) / run.totalSeconds;

function halfSummary(half: HalfResult): NonNullable<LoadSummaries['half']> {
  const governed = medianRun(
    half.governed.map((r) => r.sluice),
    half.governed,
  );
  const sweep = half.sweep.map((p) => ({
    share: p.share,
    run: p.rounds.length
      ? medianRun(
          p.rounds.map((r) => r.sluice),
          p.rounds,
        )
      : null,
    holds: p.holds,
  }));
  const holding = sweep.filter((p) => p.holds && p.run).sort((a, b) => a.run!.totalSeconds - b.run!.totalSeconds);
  const best = holding[0];
  const oracle = best ? { share: best.share, totalSeconds: best.run!.totalSeconds, p95Rise: best.run!.impact!.p95Rise } : null;
  const { governed: _g, sweep: _s, series: _series, ...rest } = half;
  return { ...governed, ...rest, sweep, oracle, toOracle: oracle ? governed.totalSeconds / oracle.totalSeconds : null };
}

function stepSummary(step: NonNullable<Results['step']>): NonNullable<LoadSummaries['step']> {
  const stepped = step.rounds.filter((r) => r.stepMs !== null);
  const run = medianRun(
    step.rounds.map((r) => r.sluice),
    stepped,
  );
  const responses = step.rounds.map((r) => stepResponse(r, step.saturatedRowsPerSecond));
  const seconds = responses.filter((r) => r !== null).map((r) => r.seconds ?? Number.POSITIVE_INFINITY);
  return {
    ...run,
    saturatedRowsPerSecond: step.saturatedRowsPerSecond,
    levelSource: step.levelSource,
    responses,
    responseSeconds: seconds.length ? spreadOf(seconds) : null,
  };
}

export function summarizeLoads(r: Results): LoadSummaries {
  const out: LoadSummaries = {};
  if (r.idle) {
    const idle = medianRun(r.idle.exports, null);
    const budgetOneSeconds = median(r.fullSpeed.map((f) => f.sluice.totalSeconds));
    out.idle = { ...idle, budgetOneSeconds, toBudgetOne: idle.totalSeconds / budgetOneSeconds };
  }
  if (r.saturated)
    out.saturated = medianRun(
      r.saturated.rounds.map((x) => x.sluice),
      r.saturated.rounds,
    );
  if (r.half) out.half = halfSummary(r.half);
  if (r.step) out.step = stepSummary(r.step);
  if (r.other)
    out['saturated-other'] = {
      ...medianRun(
        r.other.rounds.map((x) => x.sluice),
        r.other.rounds,
      ),
      tables: r.other.other!,
    };
  return out;
}

/** The saturated load's exports' pace (all rows over the export's time, median), which the step is held to. */
export const saturatedRowsPerSecond = (saturated: SaturatedResult) =>
  rowsPerSecond(
    medianRun(
      saturated.rounds.map((x) => x.sluice),
      saturated.rounds,
    ),
  );

/** CPU per row from the idle load's exports (nothing else running), or budget 1's when the idle load did not run. */
export function cpuPerRowOf(r: Results): CpuPerRow {
  const atlassian = ATLASSIAN_ROWS_PER_SECOND[r.product];
  if (r.idle) return cpuPerRow(r.idle.exports, 'the idle load', atlassian);
  return cpuPerRow(
    r.fullSpeed.map((f) => f.sluice),
    'budget 1 (the idle load did not run)',
    atlassian,
  );
}
