// The benchmark's results as numbers: medians of each run with the rounds' spread, the peers, and the
// constants the targets are held to (format.ts prints them).
import type { EntityResult } from './measure-export.ts';
import { impactOf, type FullSpeedRound, type ImpactRound, type MeasuredExport } from './phases.ts';
import { paceLabel } from './sluice-process.ts';
import { median } from './stats.ts';

/** Atlassian's published rates (SPEC sections 8 and 10): Confluence users 100,000 in 8 min, …; Jira 1 million issues in 15 min. */
export const ATLASSIAN_ROWS_PER_SECOND: Record<'confluence' | 'jira', Record<string, number>> = {
  confluence: { users: 100_000 / 480, spaces: 15_000 / 720, pages: 25_000_000 / 43_200, comments: 15_000_000 / 3600, analytics_events: 20_000_000 / 7200 },
  jira: { issues: 1_000_000 / 900 },
};
export const IMPACT_TARGET = 0.05;
export const PEER_RATIO_TARGET = 1.5;
export const FLAT_MEMORY_TARGET = 0.25;
// Other work above this many cores during the windows makes their comparison unreliable.
export const NOISY_CORES = 0.1;

/** A median and the range of the rounds it was taken over. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export const spreadOf = (values: number[]): Spread => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

export interface RunSummary {
  budget: number;
  /** How the export was paced: `budget 0.05`, `fixed share 0.04`. */
  pace: string;
  entities: Record<string, EntityResult>;
  totalSeconds: number;
  peakRssBytes: number;
  /** Medians of the rounds' own changes against their baselines; null without a workload. */
  impact: { throughputDrop: number; p95Rise: number } | null;
  spread: { totalSeconds: Spread; throughputDrop: Spread | null; p95Rise: Spread | null };
  rounds: number;
  foreground: { baselineOpsPerSecond: number; duringOpsPerSecond: number; baselineP95Ms: number; duringP95Ms: number } | null;
  /** Average cores over the exports' spans, and other work on the machine (noise) during every window. */
  cpu: { sluiceCores: number; databaseCores: number; otherWorkCores: number };
  /** Other work above a tenth of a core: the comparison is unreliable. */
  noisy: boolean;
}

/** Medians across runs, entity by entity (rows and bytes are the same in every run), with the rounds' spread. */
export function medianRun(exports: MeasuredExport[], rounds: ImpactRound[] | null): RunSummary {
  const entities: Record<string, EntityResult> = {};
  for (const name of Object.keys(exports[0].entities)) {
    const { rows, bytes } = exports[0].entities[name];
    const seconds = median(exports.map((e) => e.entities[name].seconds));
    entities[name] = { rows, bytes, seconds, rowsPerSecond: seconds > 0 ? rows / seconds : 0, mbPerSecond: seconds > 0 ? bytes / 1e6 / seconds : 0 };
  }
  const paired = (rounds ?? []).map(impactOf);
  const drop = paired.length ? spreadOf(paired.map((p) => p.throughputDrop)) : null;
  const rise = paired.length ? spreadOf(paired.map((p) => p.p95Rise)) : null;
  const otherWorkCores = median([...exports.map((e) => e.cpu.foreign), ...(rounds ?? []).map((r) => r.baseline.cpu.foreign)]);
  return {
    budget: exports[0].budget,
    pace: paceLabel(exports[0].pace),
    entities,
    totalSeconds: median(exports.map((e) => e.totalSeconds)),
    peakRssBytes: median(exports.map((e) => e.peakRssBytes)),
    impact: drop && rise ? { throughputDrop: drop.median, p95Rise: rise.median } : null,
    spread: { totalSeconds: spreadOf(exports.map((e) => e.totalSeconds)), throughputDrop: drop, p95Rise: rise },
    rounds: exports.length,
    foreground: rounds?.length
      ? {
          baselineOpsPerSecond: median(rounds.map((r) => r.baseline.throughput)),
          duringOpsPerSecond: median(rounds.map((r) => r.during.throughput)),
          baselineP95Ms: median(rounds.map((r) => r.baseline.p95Ms)),
          duringP95Ms: median(rounds.map((r) => r.during.p95Ms)),
        }
      : null,
    cpu: {
      sluiceCores: median(exports.map((e) => e.cpuSeconds / e.totalSeconds)),
      databaseCores: median(exports.map((e) => e.cpu.database)),
      otherWorkCores,
    },
    noisy: otherWorkCores > NOISY_CORES,
  };
}

export function peerSummary(rounds: FullSpeedRound[]) {
  const sluice = median(rounds.map((r) => r.sluice.totalSeconds));
  const mariadbBatchSeconds = median(rounds.map((r) => r.mariadbBatch.seconds));
  const intoOutfileSeconds = median(rounds.map((r) => r.intoOutfile.seconds));
  return {
    mariadbBatchSeconds,
    intoOutfileSeconds,
    sluiceToMariadbBatch: sluice / mariadbBatchSeconds,
    sluiceToIntoOutfile: sluice / intoOutfileSeconds,
    entities: Object.fromEntries(
      Object.keys(rounds[0].mariadbBatch.entities).map((name) => [
        name,
        {
          mariadbBatchSeconds: median(rounds.map((r) => r.mariadbBatch.entities[name])),
          intoOutfileSeconds: median(rounds.map((r) => r.intoOutfile.entities[name])),
        },
      ]),
    ),
  };
}
