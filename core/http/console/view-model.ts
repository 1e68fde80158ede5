// What the console shows, computed from a job status: labels, totals, rates and ETAs, and the way
// numbers, sizes, durations and times read. Pure, so every figure on the page is unit-tested.
import type { EntityProgress, GovernorView, JobState, JobStatus } from '../../job/status.ts';

export const STATUS_LABELS: Record<JobState | 'NOT_STARTED', string> = {
  NOT_STARTED: 'Not started',
  STARTED: 'Started',
  CANCELLATION_REQUESTED: 'Cancellation requested',
  COMPLETED: 'Completed',
  CANCELLED: 'Cancelled',
  FAILED: 'Failed',
};

export const ENTITY_LABELS: Record<string, string> = {
  users: 'Users',
  spaces: 'Spaces',
  pages: 'Pages',
  comments: 'Comments',
  analytics_events: 'Analytics events',
  issues: 'Issues',
  issue_fields: 'Issue fields',
  issue_history: 'Issue history',
  issue_links: 'Issue links',
};

export interface EntityRow {
  name: string;
  label: string;
  rows: number;
  estimatedRows: number | null;
  /** 0–100, or null when the total is unknown. */
  percent: number | null;
  /** `stopped`: the job was cancelled or failed before the entity finished (what it wrote stays for a resume). */
  state: EntityProgress['state'] | 'stopped';
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  governor: GovernorView | null;
}

export interface JobSummary {
  label: string;
  running: boolean;
  totalRows: number;
  totalEstimated: number | null;
  percent: number | null;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  elapsedMs: number;
  entities: EntityRow[];
}

const isActive = (status: JobState) => status === 'STARTED' || status === 'CANCELLATION_REQUESTED';

function percentOf(rows: number, total: number | null, done: boolean): number | null {
  if (done) return 100;
  if (total === null) return null;
  if (total <= 0) return rows > 0 ? 99 : 0;
  // An estimate can be low: a running entity shows at most 99% until it is done.
  return Math.min(99, Math.floor((rows / total) * 100));
}

/** How far a stopped entity had come, as far as its estimate tells. */
function stoppedPercent(p: EntityProgress): number | null {
  if (p.estimatedRows === null) return null;
  return p.estimatedRows <= 0 ? (p.rows > 0 ? 100 : 0) : Math.min(100, Math.floor((p.rows / p.estimatedRows) * 100));
}

function entityRow(name: string, p: EntityProgress, job: JobStatus): EntityRow {
  const running = isActive(job.status);
  const stopped = job.status === 'CANCELLED' || job.status === 'FAILED';
  const rate = running && p.state === 'running' && p.governor ? p.governor.rowsPerSecond : null;
  const remaining = p.estimatedRows === null ? null : Math.max(0, p.estimatedRows - p.rows);
  const eta = rate && remaining !== null && rate > 0 ? Math.ceil(remaining / rate) : null;
  return {
    name,
    label: ENTITY_LABELS[name] ?? name,
    rows: p.rows,
    estimatedRows: p.estimatedRows,
    percent: stopped ? stoppedPercent(p) : percentOf(p.rows, p.estimatedRows, p.state === 'done'),
    state: stopped ? 'stopped' : p.state,
    rowsPerSecond: rate,
    etaSeconds: p.state === 'done' && !stopped ? 0 : eta,
    governor: running ? (p.governor ?? null) : null,
  };
}

/** Totals across entities; the overall rate is rows written over the time since the job started. */
export function summarize(job: JobStatus, nowMs: number): JobSummary {
  const running = isActive(job.status);
  const entities = Object.entries(job.progress ?? {}).map(([name, p]) => entityRow(name, p, job));
  const totalRows = entities.reduce((sum, e) => sum + e.rows, 0);
  const known = entities.every((e) => e.estimatedRows !== null || e.state === 'done');
  const totalEstimated = known ? entities.reduce((sum, e) => sum + (e.state === 'done' ? e.rows : Math.max(e.rows, e.estimatedRows ?? 0)), 0) : null;
  const start = Date.parse(job.startTime);
  const end = job.completedTime ? Date.parse(job.completedTime) : nowMs;
  const elapsedMs = Math.max(0, end - start);
  // A running job's first second says little about its rate; a finished job's whole run is its rate.
  const rowsPerSecond = elapsedMs >= (running ? 1000 : 1) ? Math.round(totalRows / (elapsedMs / 1000)) : null;
  const remaining = totalEstimated === null ? null : totalEstimated - totalRows;
  return {
    label: STATUS_LABELS[job.status],
    running,
    totalRows,
    totalEstimated,
    percent: job.status === 'COMPLETED' ? 100 : percentOf(totalRows, totalEstimated, false),
    rowsPerSecond,
    etaSeconds: running && remaining !== null && rowsPerSecond ? Math.ceil(remaining / rowsPerSecond) : null,
    elapsedMs,
    entities,
  };
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** `2024-03-05 14:07:09` from an ISO time with an offset: the server's wall clock, as the API reports it. */
export function formatWallTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** A fraction as a percentage: one decimal under 10%. */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  return `${pct.toFixed(Math.abs(pct) < 10 && pct !== 0 ? 1 : 0)}%`;
}

export interface PacingSummary {
  /** What the governor does, in a few words. */
  text: string;
  /** What it measured and why it slows the export, when it does. */
  detail: string | null;
  /** The export goes slower than flat out. */
  slowing: boolean;
}

/** The job's pacing as the console shows it; null when the job reports none. */
export function pacingSummary(job: JobStatus): PacingSummary | null {
  const p = job.pacing;
  if (!p) return null;
  if (p.mode === 'unlimited') return { text: 'budget 1: every entity flat out, nothing measured', detail: null, slowing: false };
  if (p.mode === 'fixed') return { text: `a fixed share of ${formatPercent(p.share ?? 0)} of this machine's cores`, detail: null, slowing: true };
  const latency =
    p.baselineMs === null
      ? null
      : `the site's probe ${p.currentMs === null ? '–' : `${p.currentMs.toFixed(2)} ms`} against ${p.baselineMs.toFixed(2)} ms without the export`;
  const slowdown = p.slowdown === null ? null : `${p.slowdown >= 0 ? '+' : '−'}${formatPercent(Math.abs(p.slowdown))}`;
  const cpu =
    p.cpuSlowdown === null || p.cpuSlowdown === undefined
      ? null
      : `the export's CPU slows the site by ${formatPercent(p.cpuSlowdown)} (${(p.idleCores ?? 0).toFixed(2)} cores idle)`;
  const measured = [latency, cpu, slowdown === null ? null : `${slowdown} (budget ${formatPercent(p.budget ?? 0)})`].filter((x) => x !== null).join(', ');
  if (p.state === 'idle-site') return { text: "the site's database is idle: exporting flat out", detail: measured || null, slowing: false };
  const pace = `pace ${p.pace.toFixed(p.pace < 1 ? 2 : 1)} entities`;
  return { text: `${pace}${p.reason ? `: ${p.reason}` : ''}`, detail: measured || null, slowing: true };
}
