// The benchmark's results as numbers: medians of each run with the rounds' spread, the peers, and the
// constants the targets are held to (format.ts prints them).
import type { EntityResult, GovernorSample } from './measure-export.ts';
import { impactOf, type FullSpeedRound, type ImpactRound, type MeasuredExport } from './phases.ts';
import type { Peer } from './peers.ts';
import { paceLabel } from './sluice-process.ts';
import { median } from './stats.ts';

/** Atlassian's published rates (SPEC sections 8 and 10): Confluence users 100,000 in 8 min, …; Jira 1 million issues in 15 min. */
export const ATLASSIAN_ROWS_PER_SECOND: Record<'confluence' | 'jira', Record<string, number>> = {
  confluence: { users: 100_000 / 480, spaces: 15_000 / 720, pages: 25_000_000 / 43_200, comments: 15_000_000 / 3600, analytics_events: 20_000_000 / 7200 },
  jira: { issues: 1_000_000 / 900 },
};
export const IMPACT_TARGET = 0.05;
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
  cpu: {
    sluiceCores: number;
    databaseCores: number;
    otherWorkCores: number;
    /** Medians of the exports' CPU seconds, whole processes, and the same per row written. */
    sluiceSeconds: number;
    databaseSeconds: number;
    sluiceMicrosPerRow: number;
    databaseMicrosPerRow: number;
  };
  /** Medians of the server's resident memory at rest, before and after an export. */
  restRssBytes: { before: number; after: number };
  /** Other work above a tenth of a core: the comparison is unreliable. */
  noisy: boolean;
  /** Each round as it ran (the medians above hide how far apart they were), with the governor's polls. */
  perRound: RoundDetail[];
}

export interface RoundDetail {
  totalSeconds: number;
  sluiceCores: number;
  /** Against the round's own baselines; null without a workload. */
  throughputDrop: number | null;
  p95Rise: number | null;
  /** The job status's `pacing` at each poll, its time in ms since the export started; empty unless governed. */
  governor: GovernorSample[];
}

function roundDetail(e: MeasuredExport, round: ImpactRound | undefined): RoundDetail {
  const impact = round === undefined ? null : impactOf(round);
  return {
    totalSeconds: e.totalSeconds,
    sluiceCores: e.cpuSeconds / e.totalSeconds,
    throughputDrop: impact?.throughputDrop ?? null,
    p95Rise: impact?.p95Rise ?? null,
    governor: e.governor.map((g) => ({ ...g, atMs: g.atMs - e.startMs })),
  };
}

const rowsOf = (e: MeasuredExport) => Object.values(e.entities).reduce((sum, r) => sum + r.rows, 0);

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
      sluiceSeconds: median(exports.map((e) => e.cpuSeconds)),
      databaseSeconds: median(exports.map((e) => e.databaseCpuSeconds)),
      sluiceMicrosPerRow: median(exports.map((e) => (e.cpuSeconds / rowsOf(e)) * 1e6)),
      databaseMicrosPerRow: median(exports.map((e) => (e.databaseCpuSeconds / rowsOf(e)) * 1e6)),
    },
    restRssBytes: {
      before: median(exports.map((e) => e.restRssBytes.before)),
      after: median(exports.map((e) => e.restRssBytes.after)),
    },
    noisy: otherWorkCores > NOISY_CORES,
    perRound: exports.map((e) =>
      roundDetail(
        e,
        rounds?.find((r) => r.sluice === e),
      ),
    ),
  };
}

export interface DumpSummary {
  label: string;
  /** The most Sluice's time may be as a multiple of this dump's. */
  target: number;
  seconds: number;
  sluiceTo: number;
  /** Each entity's own dump time. */
  entities: Record<string, number>;
}

/** Medians of each peer's dumps and Sluice's time as a multiple of each. */
export function peerSummary(rounds: FullSpeedRound[], peers: readonly Peer[]): { dumps: DumpSummary[] } {
  const sluice = median(rounds.map((r) => r.sluice.totalSeconds));
  return {
    dumps: peers.map(({ label, target }) => {
      const seconds = median(rounds.map((r) => r.peers[label].seconds));
      const names = Object.keys(rounds[0].peers[label].entities);
      const entities = Object.fromEntries(names.map((name) => [name, median(rounds.map((r) => r.peers[label].entities[name]))]));
      return { label, target, seconds, sluiceTo: sluice / seconds, entities };
    }),
  };
}
