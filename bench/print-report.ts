// The benchmark's printed report: budget 1 next to the peers, then each load (its table and line, the
// half load's sweep, the step's response), rows per CPU-second, and the targets.
import type { CpuPerRow } from './cpu-per-row.ts';
import { ATLASSIAN_CORES } from './cpu-per-row.ts';
import { duration, fmt, loadLine, mark, markdownTable, mb, pct, pctSpread, secondsOrNever } from './format.ts';
import type { BenchOptions } from './options.ts';
import type { peerSummary, RunSummary } from './report.ts';
import { STEP_HOLD_MS } from './loads/step.ts';
import { LEVEL_TOLERANCE, RATE_WINDOW_MS } from './step-analysis.ts';
import type { LoadSummaries } from './summary.ts';
import type { Target } from './targets.ts';

export interface Summary {
  scale: number;
  product: 'confluence' | 'jira';
  /** The host name Sluice was given for the database (--remote), or null. */
  remote: string | null;
  machine: { cores: number; loadAverage: { start: string; end: string } };
  /** The saturated load at the budget (when it ran), then budget 1. */
  runs: RunSummary[];
  /** Budget 1 against the saturated workload, when the saturated load ran. */
  maintenance: RunSummary | null;
  loads: LoadSummaries;
  peers: ReturnType<typeof peerSummary> & {
    atFourTimesScale: { sluiceSeconds: number; label: string; peerSeconds: number; sluiceToPeer: number } | null;
  };
  memory: { scale: number; peakRssBytes: number; scale4x: number; peakRssBytes4x: number | null; difference: number | null };
  workload: { concurrency: number };
  atlassianRowsPerSecond: Record<string, number>;
  cpuPerRow: CpuPerRow;
  targets: Target[];
}

type Log = (line: string) => void;

function printBudgetOne(s: Summary, log: Log): void {
  const full = s.runs[s.runs.length - 1];
  log(`\n## Budget 1 (maintenance window), ${full.rounds === 1 ? 'one run' : `medians of ${full.rounds} runs`}\n\n${markdownTable(full, null)}\n`);
  log(
    `Database's own dumps of the same rows, medians of ${full.rounds} runs: ` +
      s.peers.dumps.map((d) => `${d.label} ${duration(d.seconds)} (Sluice ${fmt(d.sluiceTo, 2)}×)`).join(', '),
  );
  const x4 = s.peers.atFourTimesScale;
  if (x4)
    log(`At scale ${s.memory.scale4x}: Sluice ${duration(x4.sluiceSeconds)}, ${x4.label} ${duration(x4.peerSeconds)} (Sluice ${fmt(x4.sluiceToPeer, 2)}×)`);
  log(
    `CPU of the whole export (processes, start-up and HTTP thread included): Sluice ${fmt(full.cpu.sluiceSeconds, 2)} s, ` +
      `${fmt(full.cpu.sluiceMicrosPerRow, 1)} µs/row; the database ${fmt(full.cpu.databaseSeconds, 2)} s, ${fmt(full.cpu.databaseMicrosPerRow, 1)} µs/row`,
  );
  log(`Resident memory of the Sluice server at rest: ${mb(full.restRssBytes.before)} before the export, ${mb(full.restRssBytes.after)} after it`);
  if (s.maintenance) log(loadLine('Against the saturated workload', s.maintenance, `${s.workload.concurrency} connections`));
  log(
    `Peak RSS of the Sluice process: ${mb(full.peakRssBytes)} at scale ${s.memory.scale}` +
      (s.memory.peakRssBytes4x === null ? '' : `, ${mb(s.memory.peakRssBytes4x)} at scale ${s.memory.scale4x} (${pct(s.memory.difference!)})`),
  );
}

function printHalf(half: NonNullable<LoadSummaries['half']>, log: Log): void {
  log(
    `Open loop at ${fmt(half.rate)} ops/s, half of ${fmt(half.saturatedOpsPerSecond)} ops/s (from ${half.calibration}), ${half.connections} connections; ` +
      'p95 from each operation’s scheduled arrival',
  );
  log('\nFixed shares of the cores (SLUICE_FIXED_SHARE) against the same load:\n');
  log('| fixed share | export | throughput | p95 rise (min…max) | p95 within 5% |\n|---:|---:|---:|---:|---|');
  for (const p of half.sweep) {
    const r = p.run;
    if (!r?.impact || !r.spread.p95Rise) {
      log(`| ${p.share} | not run: a larger share held the p95 | | | |`);
      continue;
    }
    log(`| ${p.share} | ${duration(r.totalSeconds)} | ${pct(-r.impact.throughputDrop)} | ${pctSpread(r.spread.p95Rise)} | ${p.holds ? 'yes' : 'no'} |`);
  }
  log(
    half.oracle
      ? `\nOracle: fixed share ${half.oracle.share} (${duration(half.oracle.totalSeconds)}, p95 ${pct(half.oracle.p95Rise)}); the governed export took ${fmt(half.toOracle!, 2)}× its time`
      : '\nOracle: no fixed share held the p95 within 5%',
  );
}

function printStep(step: NonNullable<LoadSummaries['step']>, log: Log): void {
  log(
    `Saturated level: ${fmt(step.saturatedRowsPerSecond)} rows/s (${step.levelSource}), read from the export's files as they grow; the export is there ` +
      `from the first moment no span from it to a later one (${RATE_WINDOW_MS / 1000} s or longer) ran more than ${fmt((LEVEL_TOLERANCE - 1) * 100)}% above it`,
  );
  step.responses.forEach((r, i) => {
    if (r === null) log(`  round ${i + 1}: no step (the export finished before a poll saw a third of its rows)`);
    else
      log(
        `  round ${i + 1}: ${fmt(r.rateBefore)} rows/s before the step, ${fmt(r.rateAfter)} rows/s over the ${fmt(r.secondsAfterStep, 1)} s after it; ` +
          (r.seconds === null ? 'never fell to the saturated level' : `at the saturated level ${fmt(r.seconds, 1)} s after the step`),
      );
  });
  const s = step.responseSeconds;
  if (s) log(`Time to the saturated level: ${secondsOrNever(s.median)}${s.min === s.max ? '' : ` (${secondsOrNever(s.min)}…${secondsOrNever(s.max)})`}`);
}

function printCpuPerRow(cpu: CpuPerRow, log: Log): void {
  log(`\n## CPU per row, per entity (${cpu.source}; CPU from the ${cpu.method})\n`);
  log(
    `| entity | rows | Sluice µs/row | database µs/row | CPU seconds | rows per CPU-second | Atlassian rows/s ÷ ${ATLASSIAN_CORES} cores | ratio |\n` +
      '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  const micros = (seconds: number, rows: number) => (rows > 0 ? fmt((seconds / rows) * 1e6, 1) : '');
  for (const [name, e] of Object.entries(cpu.entities))
    log(
      `| ${name} | ${fmt(e.rows)} | ${micros(e.sluiceSeconds, e.rows)} | ${micros(e.databaseSeconds, e.rows)} | ${fmt(e.cpuSeconds, 2)} | ${fmt(e.rowsPerCpuSecond)} | ` +
        `${e.atlassianPerCore === null ? '' : fmt(e.atlassianPerCore)} | ${e.ratio === null ? '' : `${fmt(e.ratio, 1)}×`} |`,
    );
}

export function printReport(s: Summary, options: BenchOptions, log: Log): void {
  printBudgetOne(s, log);
  const where = s.remote ? ` (Sluice given the database as ${s.remote}: nothing read from /proc)` : '';
  if (options.loads.length > 0) log(`\n## The loads at budget ${options.budget}${where}`);
  const closed = `closed loop, ${s.workload.concurrency} connections`;
  const { idle, saturated, half, step } = s.loads;
  const other = s.loads['saturated-other'];
  const section = (name: string, run: RunSummary, workload: string | null, atlassian: boolean) => {
    log(`\n### ${name}\n\n${markdownTable(run, atlassian ? s.atlassianRowsPerSecond : null)}\n`);
    log(loadLine(name, run, workload));
  };
  if (idle) {
    section('idle', idle, null, true);
    log(`The export took ${fmt(idle.toBudgetOne, 2)}× the budget-1 time (${duration(idle.budgetOneSeconds)})`);
  }
  if (saturated) section('saturated', saturated, closed, false);
  if (half) {
    section('half', half, `open loop at ${fmt(half.rate)} ops/s`, true);
    printHalf(half, log);
  }
  if (step) {
    section(
      'step',
      step,
      `${closed} from a third of the export, which is cut ${STEP_HOLD_MS / 1000} s after the step; the workload compared from the step to the cut`,
      false,
    );
    printStep(step, log);
  }
  if (other) {
    const t = other.tables;
    section('saturated-other', other, `${closed} of oltp_read_only on ${t.tables} other tables`, false);
    log(
      `Other tables: ${t.tables} × ${fmt(t.rowsPerTable)} rows, ${mb(t.bytes)}; the site ${mb(t.siteBytes)}; buffer pool ${mb(t.bufferPoolBytes)} ` +
        `(site and other tables ${fmt((t.bytes + t.siteBytes) / t.bufferPoolBytes, 2)}× the pool)`,
    );
  }
  printCpuPerRow(s.cpuPerRow, log);
  log(`\n## Targets at budget ${options.budget}${where}\n\n| load | target | measured | result | margin |\n|---|---|---:|---|---|`);
  for (const t of s.targets) log(`| ${t.load} | ${t.what} | ${t.value} | ${mark(t.met)} | ${t.margin} |`);
  log(`\nLoad average at start ${s.machine.loadAverage.start}, at end ${s.machine.loadAverage.end}`);
}
