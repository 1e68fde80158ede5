// The benchmark's chart: the step load first (one round, zoomed to its export: the workload starting
// at a third of the rows and the export's rate falling to its saturated pace), then each other load
// with a workload over its whole run.
import type { StepRound } from './loads/step.ts';
import type { BenchOptions } from './options.ts';
import type { ImpactRound, MeasuredExport } from './phases.ts';
import { paceLabel } from './sluice-process.ts';
import { RATE_WINDOW_MS } from './step-analysis.ts';
import type { LoadSummaries, Results } from './summary.ts';
import { type Panel, type Point, renderChart } from './svg-chart.ts';

// The step's panel shows this much before the export starts and after it ends.
const STEP_MARGIN_MS = 3000;

/** The export's rows/s over a trailing window at each poll: the measure the step's response is read with. */
function exportRates(timeline: MeasuredExport['written']): Point[] {
  const points: Point[] = [];
  let from = 0;
  for (let i = 1; i < timeline.length; i++) {
    while (from < i - 1 && timeline[i].atMs - timeline[from + 1].atMs >= RATE_WINDOW_MS) from++;
    const seconds = (timeline[i].atMs - timeline[from].atMs) / 1000;
    if (seconds > 0) points.push({ atMs: timeline[i].atMs, perSecond: Math.max(0, (timeline[i].rows - timeline[from].rows) / seconds) });
  }
  return points;
}

const exportOf = (e: MeasuredExport) => ({ label: `export, ${paceLabel(e.pace)}`, startMs: e.startMs, endMs: e.endMs, rates: exportRates(e.written) });

const loadPanel = (title: string, rounds: ImpactRound[], foreground: Point[]): Panel => ({
  title,
  foreground,
  exports: rounds.map((r) => exportOf(r.sluice)),
  marks: [],
  level: null,
  range: null,
});

function stepPanel(results: NonNullable<Results['step']>, loads: LoadSummaries): Panel | null {
  const responses = loads.step?.responses ?? [];
  const stepped = results.rounds.map((round, i) => ({ round, response: responses[i] })).filter((r) => r.round.stepMs !== null && r.response);
  if (stepped.length === 0) return null;
  // The round whose response is the median one: typical, not the best.
  const sorted = [...stepped].sort((a, b) => (a.response!.seconds ?? Infinity) - (b.response!.seconds ?? Infinity));
  const { round, response } = sorted[Math.floor((sorted.length - 1) / 2)];
  const stepMs = (round as StepRound).stepMs!;
  const marks = [{ atMs: stepMs, label: 'the workload starts' }];
  if (response!.seconds !== null)
    marks.push({ atMs: stepMs + response!.seconds * 1000, label: `at the saturated pace ${response!.seconds.toFixed(1)} s later` });
  return {
    title: `step: the export's rate following the load (round ${results.rounds.indexOf(round) + 1})`,
    foreground: results.series,
    exports: [exportOf(round.sluice)],
    marks,
    level: { perSecond: results.saturatedRowsPerSecond, label: `the saturated load's pace, ${Math.round(results.saturatedRowsPerSecond)} rows/s` },
    range: { startMs: round.sluice.startMs - STEP_MARGIN_MS, endMs: round.sluice.endMs + STEP_MARGIN_MS },
  };
}

export function renderBenchChart(results: Results, loads: LoadSummaries, options: BenchOptions): string {
  const panels: Panel[] = [];
  const step = results.step && stepPanel(results.step, loads);
  if (step) panels.push(step);
  if (results.saturated)
    panels.push(
      loadPanel(
        'saturated: closed loop on the site’s tables',
        [...results.saturated.rounds, ...(results.saturated.maintenance ?? [])],
        results.saturated.series,
      ),
    );
  if (results.half) {
    const rounds = [...results.half.governed, ...results.half.sweep.flatMap((p) => p.rounds)];
    panels.push(loadPanel(`half: open loop at ${Math.round(results.half.rate)} ops/s, governed then fixed shares`, rounds, results.half.series));
  }
  if (results.other) panels.push(loadPanel('saturated-other: oltp_read_only on other tables', results.other.rounds, results.other.series));
  if (results.idle)
    panels.push({ title: 'idle: no workload', foreground: [], exports: results.idle.exports.map(exportOf), marks: [], level: null, range: null });
  const where = options.remote ? `, Sluice given the database as ${options.remote}` : '';
  return renderChart(`Sluice export vs foreground workload (${options.product}, scale ${options.scale}, budget ${options.budget}${where})`, panels);
}
