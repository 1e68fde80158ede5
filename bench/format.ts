// The report's formatting: numbers, Atlassian's duration table, and one line per load.
import type { RunSummary, Spread } from './report.ts';

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const pct = (n: number) => `${n >= 0 ? '+' : '−'}${fmt(Math.abs(n) * 100, 1)}%`;
export const mb = (bytes: number) => `${fmt(bytes / 1e6)} MB`;
export const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
export const mark = (ok: boolean | null) => (ok === null ? 'not checked' : ok ? 'met' : 'NOT met');

/** Seconds with one decimal; a wait that never ended is `never`. */
export const secondsOrNever = (n: number) => (Number.isFinite(n) ? `${fmt(n, 1)} s` : 'never');

export function duration(seconds: number): string {
  if (seconds < 60) return `${fmt(seconds, seconds < 10 ? 2 : 1)} s`;
  return `${Math.floor(seconds / 60)} min ${fmt(seconds % 60)} s`;
}

/** `+3.0% (+0.2…+6.1%)`: the median, then the rounds' range. */
export const pctSpread = (s: Spread) => (s.min === s.max ? pct(s.median) : `${pct(s.median)} (${pct(s.min)}…${pct(s.max)})`);

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

/** One load's line: the export's time, the workload's changes (medians of the rounds, their range), CPU and noise. */
export function loadLine(name: string, run: RunSummary, workload: string | null): string {
  const t = run.spread.totalSeconds;
  const parts = [`${name}, ${run.pace}${workload ? `, ${workload}` : ''}, ${run.rounds === 1 ? 'one round' : `medians of ${run.rounds} rounds (min…max)`}`];
  parts.push(`export ${duration(t.median)}${t.min === t.max ? '' : ` (${duration(t.min)}…${duration(t.max)})`}`);
  const f = run.foreground;
  if (f && run.spread.throughputDrop && run.spread.p95Rise) {
    const drop = run.spread.throughputDrop;
    parts.push(
      `throughput ${fmt(f.baselineOpsPerSecond)} → ${fmt(f.duringOpsPerSecond)} ops/s, ${pctSpread({ median: -drop.median, min: -drop.max, max: -drop.min })}`,
    );
    parts.push(`p95 ${fmt(f.baselineP95Ms, 1)} → ${fmt(f.duringP95Ms, 1)} ms, ${pctSpread(run.spread.p95Rise)}`);
  }
  parts.push(`Sluice ${fmt(run.cpu.sluiceCores, 2)} cores, the database ${fmt(run.cpu.databaseCores, 2)} cores during the export`);
  parts.push(`other work on the machine ${fmt(run.cpu.otherWorkCores, 2)} cores${run.noisy ? ' (NOISY: run again on a quiet machine)' : ''}`);
  return parts.join('; ');
}
