// Reading the step load: how soon after the workload started the export's rate fell to the pace it
// holds under a saturated load, and what the workload felt over the rest of the export.
import type { StepRound } from './loads/step.ts';

// The shortest span a rate is read over: a few of the export's ~100 ms chunks, so one chunk's rows
// landing at once does not read as a burst.
export const RATE_WINDOW_MS = 1000;
// A governor holding the saturated pace wobbles around it: within a quarter above it counts as there.
export const LEVEL_TOLERANCE = 1.25;

export interface StepResponse {
  /** Seconds from the step until the export stayed at its saturated level; null when it never did. */
  seconds: number | null;
  /** Rows/s over the second just before the step, and from the step to the export's end. */
  rateBefore: number;
  rateAfter: number;
  /** How long the export ran on after the step. */
  secondsAfterStep: number;
}

type Sample = { atMs: number; rows: number };

const rate = (a: Sample, b: Sample) => (b.atMs > a.atMs ? ((b.rows - a.rows) * 1000) / (b.atMs - a.atMs) : 0);

/**
 * Whether the export stayed at the level from sample `i` on: no span starting there, a window long or
 * longer, ran above it. A paced export moves in bursts and pauses; a window that happens to fall in a
 * pause does not count as having slowed, since the spans that reach the next burst do not pass.
 */
function settledFrom(timeline: Sample[], i: number, limit: number): boolean {
  const last = timeline[timeline.length - 1];
  if (last.atMs - timeline[i].atMs < RATE_WINDOW_MS) return false;
  for (let j = i + 1; j < timeline.length; j++)
    if (timeline[j].atMs - timeline[i].atMs >= RATE_WINDOW_MS && rate(timeline[i], timeline[j]) > limit) return false;
  return true;
}

export function stepResponse(round: StepRound, saturatedRowsPerSecond: number): StepResponse | null {
  const { stepMs, sluice } = round;
  if (stepMs === null) return null;
  const timeline = sluice.written;
  const first = timeline.findIndex((s) => s.atMs >= stepMs);
  if (first === -1) return null;
  const atStep = timeline[first];
  const before = [...timeline].reverse().find((s) => s.atMs <= stepMs - RATE_WINDOW_MS) ?? timeline[0];
  const last = timeline[timeline.length - 1];
  let seconds: number | null = null;
  for (let i = first; i < timeline.length && seconds === null; i++)
    if (settledFrom(timeline, i, saturatedRowsPerSecond * LEVEL_TOLERANCE)) seconds = (timeline[i].atMs - stepMs) / 1000;
  return { seconds, rateBefore: rate(before, atStep), rateAfter: rate(atStep, last), secondsAfterStep: (last.atMs - stepMs) / 1000 };
}
