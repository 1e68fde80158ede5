// The benchmark's printed report: the two tables, the peers, the impact, memory and the targets.
import type { BenchOptions } from './options.ts';
import { duration, fmt, impactLine, mark, markdownTable, mb, pct, type medianRun, type peerSummary, type Targets } from './report.ts';

type Run = ReturnType<typeof medianRun>;

export interface Summary {
  scale: number;
  product: 'confluence' | 'jira';
  machine: { cores: number; loadAverage: { start: string; end: string } };
  runs: [Run, Run];
  peers: ReturnType<typeof peerSummary> & {
    atFourTimesScale: { sluiceSeconds: number; mariadbBatchSeconds: number; sluiceToMariadbBatch: number } | null;
  };
  memory: { scale: number; peakRssBytes: number; scale4x: number; peakRssBytes4x: number | null; difference: number | null };
  workload: { concurrency: number };
  atlassianRowsPerSecond: Record<string, number>;
  targets: Targets;
}

export function printReport(s: Summary, options: BenchOptions, log: (line: string) => void): void {
  const [budgeted, full] = s.runs;
  log(`\n## Budget ${options.budget} (default), medians of ${budgeted.rounds} runs\n\n${markdownTable(budgeted, s.atlassianRowsPerSecond)}\n`);
  log(impactLine(budgeted, options.concurrency));
  log(`Peak RSS of the Sluice process: ${mb(budgeted.peakRssBytes)}`);
  log(`\n## Budget 1 (maintenance window), medians of ${full.rounds} runs\n\n${markdownTable(full, null)}\n`);
  log(
    `Database's own dumps of the same rows, medians of ${full.rounds} runs: mariadb --batch ${duration(s.peers.mariadbBatchSeconds)} ` +
      `(Sluice ${fmt(s.peers.sluiceToMariadbBatch, 2)}×), SELECT … INTO OUTFILE ${duration(s.peers.intoOutfileSeconds)} (Sluice ${fmt(s.peers.sluiceToIntoOutfile, 2)}×)`,
  );
  const x4 = s.peers.atFourTimesScale;
  if (x4)
    log(
      `At scale ${s.memory.scale4x}: Sluice ${duration(x4.sluiceSeconds)}, mariadb --batch ${duration(x4.mariadbBatchSeconds)} (Sluice ${fmt(x4.sluiceToMariadbBatch, 2)}×)`,
    );
  log(impactLine(full, options.concurrency).replace(/medians of \d+ rounds/, 'one round'));
  log(
    `Peak RSS of the Sluice process: ${mb(full.peakRssBytes)} at scale ${s.memory.scale}` +
      (s.memory.peakRssBytes4x === null ? '' : `, ${mb(s.memory.peakRssBytes4x)} at scale ${s.memory.scale4x} (${pct(s.memory.difference!)})`),
  );
  log(
    `\nTargets: impact ≤ 5% on throughput and p95 at budget ${options.budget}: ${mark(s.targets.impact)}; every entity above Atlassian's rows/s: ` +
      `${mark(s.targets.atlassianRates)}; budget 1 within 1.5× of mariadb --batch: ${mark(s.targets.mariadbBatchRatio)} at scale ${s.scale}, ` +
      `${mark(s.targets.mariadbBatchRatioAt4x)} at scale ${s.memory.scale4x}; ` +
      `peak RSS at 4× the scale within 25%: ${mark(s.targets.flatMemory)}`,
  );
  log(`Load average at start ${s.machine.loadAverage.start}, at end ${s.machine.loadAverage.end}`);
}
