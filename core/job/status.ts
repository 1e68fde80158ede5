// The job status object of the REST API and its pure transitions.
import type { ErrorItem } from '../errors.ts';
import { formatOffsetIso } from '../dates.ts';

export const JOB_STATES = ['STARTED', 'CANCELLATION_REQUESTED', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type EntityState = 'pending' | 'running' | 'done';

export interface EntityProgress {
  rows: number;
  estimatedRows: number | null;
  state: EntityState;
  governor?: GovernorView;
}

/** What the impact governor shows per entity while it runs (section 8). */
export interface GovernorView {
  /** Rows the next chunk query asks for. */
  chunkRows: number;
  /** Rows written per second over the last few seconds. */
  rowsPerSecond: number;
  /** This entity's share of the job's impact budget. */
  share: number;
  /** Waiting for the database's load to fall back to its baseline, and why. */
  paused: boolean;
  reason: string | null;
}

export interface EntityStatistics {
  rows: number;
  bytes: number;
  durationMs: number;
  file: string;
}

export interface Statistics {
  exportedEntities: number;
  writtenRows: number;
  entities: Record<string, EntityStatistics>;
}

export interface JobStatus {
  startTime: string;
  completedTime: string | null;
  cancelledTime: string | null;
  nodeId: string;
  jobId: number;
  status: JobState;
  config: { exportFrom: string; forcedExport: boolean; schemaVersion: number };
  statistics: Statistics | null;
  warnings: ErrorItem[] | null;
  errors: ErrorItem[] | null;
  rootExportPath: string;
  progress: Record<string, EntityProgress>;
  heartbeat?: { time: string; stale: boolean };
}

/** The journal's record of a job: the public status plus what the owner needs to resume or clean up. */
export interface JobRecord extends JobStatus {
  owner: { nodeId: string; pid: number; heartbeatMs: number };
  /** fromDate as epoch ms (exportFrom is the same instant, formatted for people). */
  fromMs: number;
  exportDir: string;
  fileStamp: string;
  trigger?: 'api' | 'schedule';
}

export function isTerminal(state: JobState): boolean {
  return state === 'COMPLETED' || state === 'CANCELLED' || state === 'FAILED';
}

export function isRunning(record: Pick<JobStatus, 'status'> | null | undefined): boolean {
  return record != null && !isTerminal(record.status);
}

export function requestCancel(record: JobRecord): JobRecord {
  return record.status === 'STARTED' ? { ...record, status: 'CANCELLATION_REQUESTED' } : record;
}

export function finish(
  record: JobRecord,
  status: 'COMPLETED' | 'CANCELLED' | 'FAILED',
  at: Date,
  extra: Partial<Pick<JobRecord, 'statistics' | 'errors' | 'warnings'>> = {},
): JobRecord {
  if (isTerminal(record.status)) return record;
  const time = formatOffsetIso(at);
  return {
    ...record,
    ...extra,
    status,
    completedTime: time,
    cancelledTime: status === 'CANCELLED' ? time : null,
  };
}

/** The API view: the record without the journal's bookkeeping. */
export function toStatus(record: JobRecord, heartbeat?: { time: string; stale: boolean }): JobStatus {
  const { owner: _owner, fromMs: _from, exportDir: _dir, fileStamp: _stamp, trigger: _trigger, heartbeat: _hb, ...status } = record;
  return heartbeat && !isTerminal(record.status) ? { ...status, heartbeat } : status;
}

/** `yyyy_MM_ddTHH_mm_ssZ` of the job's start in UTC, as file names carry it. */
export function fileStampOf(start: Date): string {
  const iso = start.toISOString();
  return `${iso.slice(0, 4)}_${iso.slice(5, 7)}_${iso.slice(8, 10)}T${iso.slice(11, 13)}_${iso.slice(14, 16)}_${iso.slice(17, 19)}Z`;
}

export function fileNameOf(entity: string, jobId: number, stamp: string): string {
  return `${entity}_job${jobId}_${stamp}.csv`;
}
