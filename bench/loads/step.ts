// The step load: the export starts on an idle site, and the saturated closed-loop workload starts once
// a third of the export's rows are written. The export should fall to its saturated pace within
// seconds, and the workload should feel it no more than the saturated load does.
import { rowsOfSamples, rowsPerByteOf } from '../export-files.ts';
import type { BenchOptions } from '../options.ts';
import { baselineWindow, exportOnce, type ImpactRound, type MeasuredExport, pairedBaseline, roundLine, type Site } from '../phases.ts';
import { withWorkload } from '../workload.ts';
import { closedLoop } from './saturated.ts';

// Progress is polled this often here, so the step lands close to the third and the export's rate after
// it is seen at a fine grain.
const STEP_POLL_MS = 100;
// The workload starts once the export has written this share of its rows.
export const STEP_AT = 1 / 3;
// A round is cut short this long after the step: the response is read within seconds of it, and the
// workload's p95 over this span stands for the rest of the export, which at the saturated pace runs for
// many minutes on a site of a few million rows.
export const STEP_HOLD_MS = 30_000;
// Without a saturated load, its pace is read from one export against the closed loop, cut this long in.
const LEVEL_MS = 60_000;

export interface StepRound extends ImpactRound {
  /** When the workload started (epoch ms), or null when the export finished before a poll saw a third of its rows. */
  stepMs: number | null;
}

export interface StepResult {
  rounds: StepRound[];
  series: { atMs: number; perSecond: number }[];
}

/** `reference` is a finished export of the same site (budget 1's): its rows, and its rows per byte to read the files with. */
export async function stepLoad(site: Site, options: BenchOptions, reference: MeasuredExport, log: (line: string) => void): Promise<StepResult> {
  const totalRows = Object.values(reference.entities).reduce((sum, e) => sum + e.rows, 0);
  const rowsPerByte = rowsPerByteOf(reference.entities);
  return withWorkload(closedLoop(site, options), options.warmupMs, async (workload) => {
    const rounds: StepRound[] = [];
    let before = await baselineWindow(workload, options.windowMs);
    for (let round = 1; round <= options.rounds; round++) {
      workload.pause();
      let stepMs: number | null = null;
      const sluice = await exportOnce(
        site,
        { budget: options.budget },
        {
          workloadPid: workload.pid,
          pollMs: STEP_POLL_MS,
          cut: { atMs: () => (stepMs === null ? null : stepMs + STEP_HOLD_MS), rowsPerByte },
          onPoll(progressRows, files) {
            const rows = Math.max(progressRows, rowsOfSamples([files], rowsPerByte)[0].rows);
            if (stepMs !== null || rows < totalRows * STEP_AT) return;
            stepMs = files.atMs;
            workload.run();
          },
        },
      );
      // A poll that saw a third of the rows only once the export had ended is no step either (small scales).
      if (stepMs !== null && stepMs >= sluice.endMs) stepMs = null;
      if (stepMs === null) workload.run();
      // The workload's side: from the step to the export's end.
      const during = { ...workload.window(stepMs ?? sluice.endMs, sluice.endMs), cpu: sluice.cpu };
      const after = await baselineWindow(workload, options.windowMs);
      const result: StepRound = { sluice, baseline: pairedBaseline(workload, before, after), during, stepMs };
      rounds.push(result);
      before = after;
      log(
        stepMs === null
          ? `  round ${round}: the export (${sluice.totalSeconds.toFixed(1)} s) finished before a poll saw a third of its rows written: no step`
          : `${roundLine(round, result)}; step ${((stepMs - sluice.startMs) / 1000).toFixed(1)} s into the export${sluice.cut ? `, cut ${STEP_HOLD_MS / 1000} s after it` : ''}`,
      );
    }
    workload.pause();
    return { rounds, series: workload.series(500) };
  });
}

/**
 * The export's pace on the saturated site, where no saturated load ran to give it: the rows one export
 * against the closed loop writes in its first minute (the files read at `reference`'s rows per byte).
 */
export async function saturatedLevel(site: Site, options: BenchOptions, reference: MeasuredExport, log: (line: string) => void): Promise<number> {
  const rowsPerByte = rowsPerByteOf(reference.entities);
  return withWorkload(closedLoop(site, options), options.warmupMs, async (workload) => {
    let firstPollMs: number | null = null;
    const sluice = await exportOnce(
      site,
      { budget: options.budget },
      {
        workloadPid: workload.pid,
        onPoll(_rows, files) {
          firstPollMs ??= files.atMs;
        },
        cut: { atMs: () => (firstPollMs === null ? null : firstPollMs + LEVEL_MS), rowsPerByte },
      },
    );
    workload.pause();
    const rows = sluice.written[sluice.written.length - 1].rows;
    const perSecond = rows / sluice.totalSeconds;
    log(
      `  ${Math.round(rows)} rows in ${sluice.totalSeconds.toFixed(1)} s${sluice.cut ? ' (cut short)' : ' (the whole export)'}: ${Math.round(perSecond)} rows/s`,
    );
    return perSecond;
  });
}
