// How the CLI shows a job: progress bars for a terminal, plain lines for logs and pipes, a summary when
// it ends. Pure text from a job status, so the layout is unit-tested.
import { formatBytes, formatCount, formatDuration, formatWallTime, STATUS_LABELS, summarize } from '../core/http/console/view-model.ts';
import type { JobStatus } from '../core/job/status.ts';

// Leaves room on an 80-column line for the entity's name, percentage and row counts beside the bar.
const BAR_WIDTH = 24;

function bar(percent: number | null, done: boolean): string {
  if (percent === null) return `${'·'.repeat(BAR_WIDTH)}`;
  const filled = Math.round((percent / 100) * BAR_WIDTH);
  return `${'█'.repeat(done ? BAR_WIDTH : filled)}${'░'.repeat(done ? 0 : BAR_WIDTH - filled)}`;
}

function headline(job: JobStatus, nowMs: number): string {
  const s = summarize(job, nowMs);
  if (s.entities.length === 0 && s.running) return `Job ${job.jobId} ${STATUS_LABELS[job.status]} · preparing (estimating rows)`;
  const parts = [
    `Job ${job.jobId} ${STATUS_LABELS[job.status]}`,
    `${formatCount(s.totalRows)}${s.totalEstimated === null ? '' : ` of ~${formatCount(s.totalEstimated)}`} rows`,
  ];
  if (s.rowsPerSecond !== null) parts.push(`${formatCount(s.rowsPerSecond)} rows/s`);
  if (s.running && s.etaSeconds !== null) parts.push(`ETA ${formatDuration(s.etaSeconds * 1000)}`);
  parts.push(`elapsed ${formatDuration(s.elapsedMs)}`);
  return parts.join(' · ');
}

/** One line per entity under a headline: what a terminal redraws every second. */
export function renderBars(job: JobStatus, nowMs: number): string[] {
  const s = summarize(job, nowMs);
  const width = Math.max(6, ...s.entities.map((e) => e.label.length));
  const lines = s.entities.map((e) => {
    const pct = e.percent === null ? '   ?' : `${String(e.percent).padStart(3)}%`;
    const counts = `${formatCount(e.rows)} / ${e.estimatedRows === null ? '?' : formatCount(e.estimatedRows)}`;
    const rate = e.rowsPerSecond === null ? '' : `  ${formatCount(e.rowsPerSecond)} rows/s`;
    const eta = e.etaSeconds ? `  ETA ${formatDuration(e.etaSeconds * 1000)}` : '';
    const paused = e.governor?.paused ? `  paused${e.governor.reason ? `: ${e.governor.reason}` : ''}` : '';
    return `  ${e.label.padEnd(width)}  ${bar(e.percent, e.state === 'done')} ${pct}  ${counts.padStart(19)}${rate}${eta}${paused}`;
  });
  return [headline(job, nowMs), ...lines];
}

/** A single line for logs: the headline plus each entity's rows and state. */
export function renderPlain(job: JobStatus, nowMs: number): string {
  const s = summarize(job, nowMs);
  const entities = s.entities.map((e) => `${e.name} ${formatCount(e.rows)}${e.state === 'done' ? ' done' : e.state === 'pending' ? ' pending' : ''}`);
  return `${headline(job, nowMs)}${entities.length > 0 ? ` | ${entities.join(', ')}` : ''}`;
}

/** What an ended job leaves: its outcome, then its files (COMPLETED) or its errors. */
export function renderOutcome(job: JobStatus): string[] {
  const resumed = job.config.resumedFrom ? ` (resumed from job ${job.config.resumedFrom})` : '';
  const lines = [`Job ${job.jobId} ${STATUS_LABELS[job.status]} at ${formatWallTime(job.completedTime)}${resumed}`];
  for (const [name, e] of Object.entries(job.statistics?.entities ?? {})) {
    lines.push(`  ${name.padEnd(16)} ${formatCount(e.rows).padStart(12)} rows  ${formatBytes(e.bytes).padStart(9)}  ${e.file}`);
  }
  if (job.statistics) lines.push(`  Files in ${job.rootExportPath}/${job.jobId}`);
  for (const w of job.warnings ?? []) lines.push(`  warning: ${w.message}`);
  for (const e of job.errors ?? []) lines.push(`  error: ${e.message}`);
  if (job.status === 'CANCELLED' || job.status === 'FAILED') lines.push('  Its files are kept: `sluice export --resume` carries it on where it stopped');
  return lines;
}

/** A table of jobs for `sluice history`. */
export function renderHistory(values: JobStatus[]): string[] {
  if (values.length === 0) return ['No exports yet'];
  const rows = values.map((job) => {
    const duration = job.completedTime ? formatDuration(Date.parse(job.completedTime) - Date.parse(job.startTime)) : '–';
    const rowsText = job.statistics ? formatCount(job.statistics.writtenRows) : '–';
    return [String(job.jobId), STATUS_LABELS[job.status], formatWallTime(job.startTime), duration, rowsText];
  });
  const head = ['JOB', 'STATUS', 'STARTED', 'DURATION', 'ROWS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}
