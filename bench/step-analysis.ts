// Reading the step load: how soon after the workload started the export's rate fell to the pace it
// holds under a saturated load, and what the workload felt over the rest of the export.
import type { StepRound } from './loads/step.ts';

// The export's rate is read over this trailing window: a few of its ~100 ms chunks, so one chunk's
// rows landing late does not read as a stop.
export const RATE_WINDOW_MS = 1000;
// A governor holding the saturated pace wobbles around it: within a quarter above it counts as there.
export const LEVEL_TOLERANCE = 1.25;

export interface StepResponse {
  /** Seconds from the step to the start of the first window at the saturated level; null when the rate never fell. */
  seconds: number | null;
  /** Rows/s over the window just before the step, and from the step to the export's end. */
  rateBefore: number;
  rateAfter: number;
  /** How long the export ran on after the step. */
  secondsAfterStep: number;
}

type Sample = { atMs: number; rows: number };

/** The rate over [from, the first sample at least a window later], or over what is left of the export. */
function windowRate(timeline: Sample[], from: number): number {
  const j = timeline.findIndex((s) => s.atMs - timeline[from].atMs >= RATE_WINDOW_MS);
  const end = timeline[j === -1 ? timeline.length - 1 : j];
  const seconds = (end.atMs - timeline[from].atMs) / 1000;
  return seconds > 0 ? (end.rows - timeline[from].rows) / seconds : Number.POSITIVE_INFINITY;
}

export function stepResponse(round: StepRound, saturatedRowsPerSecond: number): StepResponse | null {
  const { stepMs, sluice } = round;
  if (stepMs === null) return null;
  const timeline = sluice.timeline;
  const first = timeline.findIndex((s) => s.atMs >= stepMs);
  const atStep = timeline[first];
  const before = [...timeline].reverse().find((s) => s.atMs <= stepMs - RATE_WINDOW_MS) ?? timeline[0];
  const last = timeline[timeline.length - 1];
  const rate = (a: Sample, b: Sample) => (b.atMs > a.atMs ? ((b.rows - a.rows) * 1000) / (b.atMs - a.atMs) : 0);
  let seconds: number | null = null;
  for (let i = first; i < timeline.length - 1 && seconds === null; i++)
    if (windowRate(timeline, i) <= saturatedRowsPerSecond * LEVEL_TOLERANCE) seconds = (timeline[i].atMs - stepMs) / 1000;
  return { seconds, rateBefore: rate(before, atStep), rateAfter: rate(atStep, last), secondsAfterStep: (last.atMs - stepMs) / 1000 };
}
