// The benchmark's results: the JSON other tools read (shape fixed by the issue; extra fields welcome)
// and the Markdown tables shaped like Atlassian's published duration table.
import type { EntityResult } from './measure-export.ts';
import { impactOf, type FullSpeedRound, type ImpactRound, type MeasuredExport } from './phases.ts';
import { median } from './stats.ts';

/** Atlassian's published rates (SPEC sections 8 and 10): Confluence users 100,000 in 8 min, …; Jira 1 million issues in 15 min. */
export const ATLASSIAN_ROWS_PER_SECOND: Record<'confluence' | 'jira', Record<string, number>> = {
  confluence: { users: 100_000 / 480, spaces: 15_000 / 720, pages: 25_000_000 / 43_200, comments: 15_000_000 / 3600, analytics_events: 20_000_000 / 7200 },
  jira: { issues: 1_000_000 / 900 },
};
const IMPACT_TARGET = 0.05;
const PEER_RATIO_TARGET = 1.5;
const FLAT_MEMORY_TARGET = 0.25;
// Other work above this many cores during the windows makes their comparison unreliable.
const NOISY_CORES = 0.1;

export interface RunSummary {
  budget: number;
  entities: Record<string, EntityResult>;
  totalSeconds: number;
  peakRssBytes: number;
  impact: { throughputDrop: number; p95Rise: number };
  rounds: number;
  foreground: { baselineOpsPerSecond: number; duringOpsPerSecond: number; baselineP95Ms: number; duringP95Ms: number };
  /** Average cores: what the export used, and other work on the machine (noise) during the windows. */
  cpu: { sluiceCores: number; otherWorkCores: number };
}

/** Medians across runs, entity by entity (rows and bytes are the same in every run). */
export function medianRun(exports: MeasuredExport[], rounds: ImpactRound[] | null): RunSummary {
  const entities: Record<string, EntityResult> = {};
  for (const name of Object.keys(exports[0].entities)) {
    const { rows, bytes } = exports[0].entities[name];
    const seconds = median(exports.map((e) => e.entities[name].seconds));
    entities[name] = { rows, bytes, seconds, rowsPerSecond: seconds > 0 ? rows / seconds : 0, mbPerSecond: seconds > 0 ? bytes / 1e6 / seconds : 0 };
  }
  const paired = (rounds ?? []).map(impactOf);
  return {
    budget: exports[0].budget,
    entities,
    totalSeconds: median(exports.map((e) => e.totalSeconds)),
    peakRssBytes: median(exports.map((e) => e.peakRssBytes)),
    impact: { throughputDrop: median(paired.map((p) => p.throughputDrop)), p95Rise: median(paired.map((p) => p.p95Rise)) },
    rounds: exports.length,
    foreground: {
      baselineOpsPerSecond: median((rounds ?? []).map((r) => r.baseline.throughput)),
      duringOpsPerSecond: median((rounds ?? []).map((r) => r.during.throughput)),
      baselineP95Ms: median((rounds ?? []).map((r) => r.baseline.p95Ms)),
      duringP95Ms: median((rounds ?? []).map((r) => r.during.p95Ms)),
    },
    cpu: {
      sluiceCores: median(exports.map((e) => e.cpuSeconds / e.totalSeconds)),
      otherWorkCores: median((rounds ?? []).flatMap((r) => [r.baseline.cpu.foreign, r.during.cpu.foreign])),
    },
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

export interface Targets {
  impact: boolean;
  atlassianRates: boolean;
  mariadbBatchRatio: boolean;
  /** The same at four times the scale, where per-export fixed costs (threads, planning) weigh less. */
  mariadbBatchRatioAt4x: boolean | null;
  flatMemory: boolean | null;
}

export function checkTargets(
  product: 'confluence' | 'jira',
  budgeted: RunSummary,
  peers: ReturnType<typeof peerSummary>,
  memoryDifference: number | null,
  ratioAt4x: number | null,
): Targets {
  return {
    impact: budgeted.impact.throughputDrop <= IMPACT_TARGET && budgeted.impact.p95Rise <= IMPACT_TARGET,
    atlassianRates: Object.entries(budgeted.entities).every(([name, e]) => e.rowsPerSecond > (ATLASSIAN_ROWS_PER_SECOND[product][name] ?? 0)),
    mariadbBatchRatio: peers.sluiceToMariadbBatch <= PEER_RATIO_TARGET,
    mariadbBatchRatioAt4x: ratioAt4x === null ? null : ratioAt4x <= PEER_RATIO_TARGET,
    flatMemory: memoryDifference === null ? null : Math.abs(memoryDifference) < FLAT_MEMORY_TARGET,
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (n: number) => `${n >= 0 ? '+' : '−'}${fmt(Math.abs(n) * 100, 1)}%`;
export const mb = (bytes: number) => `${fmt(bytes / 1e6)} MB`;

function duration(seconds: number): string {
  if (seconds < 60) return `${fmt(seconds, seconds < 10 ? 2 : 1)} s`;
  return `${Math.floor(seconds / 60)} min ${fmt(seconds % 60)} s`;
}

/** Atlassian's table shape: entity, count, duration, rows/s, MB/s (with their rate for comparison when asked). */
export function markdownTable(run: RunSummary, compare: Record<string, number> | null): string {
  const head = compare
    ? '| entity | count | duration | rows/s | MB/s | Atlassian rows/s |\n|---|---:|---:|---:|---:|---:|'
    : '| entity | count | duration | rows/s | MB/s |\n|---|---:|---:|---:|---:|';
  const lines = Object.entries(run.entities).map(([name, e]) => {
    const cells = [name, fmt(e.rows), duration(e.seconds), fmt(e.rowsPerSecond), fmt(e.mbPerSecond, 1)];
    if (compare) cells.push(compare[name] === undefined ? '' : fmt(compare[name]));
    return `| ${cells.join(' | ')} |`;
  });
  const rows = Object.values(run.entities).reduce((sum, e) => sum + e.rows, 0);
  const bytes = Object.values(run.entities).reduce((sum, e) => sum + e.bytes, 0);
  const total = ['**total**', fmt(rows), duration(run.totalSeconds), fmt(rows / run.totalSeconds), fmt(bytes / 1e6 / run.totalSeconds, 1)];
  if (compare) total.push('');
  return [head, ...lines, `| ${total.join(' | ')} |`].join('\n');
}

export function impactLine(run: RunSummary, concurrency: number): string {
  const f = run.foreground;
  return (
    `Foreground workload (${concurrency} connections, medians of ${run.rounds} rounds): throughput ${fmt(f.baselineOpsPerSecond)} → ${fmt(f.duringOpsPerSecond)} ops/s, ` +
    `p95 ${fmt(f.baselineP95Ms, 1)} → ${fmt(f.duringP95Ms, 1)} ms; impact (median of the rounds' own changes): throughput ${pct(-run.impact.throughputDrop)}, p95 ${pct(run.impact.p95Rise)}; ` +
    `the export's process used ${fmt(run.cpu.sluiceCores, 2)} cores on average; other work on the machine ${fmt(run.cpu.otherWorkCores, 2)} cores` +
    (run.cpu.otherWorkCores > NOISY_CORES ? ' (NOISY: run again on a quiet machine)' : '')
  );
}

export const mark = (ok: boolean | null) => (ok === null ? 'not checked' : ok ? 'met' : 'NOT met');
export { pct, fmt, duration };
