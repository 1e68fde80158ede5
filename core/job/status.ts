// The job status object of the REST API and its pure transitions.
import type { ErrorItem } from '../errors.ts';
import { formatOffsetIso } from '../dates.ts';
import type { EntityPacingView } from '../pacing/entity-pace.ts';
import type { PacingView } from '../pacing/pacer.ts';

export const JOB_STATES = ['STARTED', 'CANCELLATION_REQUESTED', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type EntityState = 'pending' | 'running' | 'done';

export interface EntityProgress {
  rows: number;
  estimatedRows: number | null;
  state: EntityState;
  /** How the entity is paced while it runs (SPEC section 8). */
  governor?: GovernorView;
  /** CPU the entity has cost so far: its export thread's and the database's for its queries, null where unreadable. */
  cpu?: EntityCpu;
}

export type GovernorView = EntityPacingView;

export interface EntityCpu {
  sluiceMs: number | null;
  databaseMs: number | null;
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
  /** resumedFrom (Sluice's own): the interrupted job this one carries on (POST /export?resume=true). */
  config: { exportFrom: string; forcedExport: boolean; schemaVersion: number; resumedFrom?: number };
  statistics: Statistics | null;
  warnings: ErrorItem[] | null;
  errors: ErrorItem[] | null;
  rootExportPath: string;
  progress: Record<string, EntityProgress>;
  /** What the impact governor measures and why it slows the export (Sluice's own; SPEC section 8). */
  pacing?: PacingView;
  heartbeat?: { time: string; stale: boolean };
}

/**
 * How far an entity's file is known to be on disk: its `.partial` file holds at least `bytes` bytes, ending
 * with the row of key `after`, and those bytes were synced (fdatasync) before this was recorded, so a power
 * loss cannot take them. `done`: the entity finished, and its final file holds exactly `bytes` bytes.
 */
export interface Checkpoint {
  /** The key of the last row the query scanned (the next chunk starts after it); null before the first chunk. */
  after: string | null;
  rows: number;
  scanned: number;
  bytes: number;
  /** Time spent exporting the entity so far, over every run that worked on it. */
  durationMs: number;
  done?: true;
}

/** Where an earlier job's files are: its directory, and its names (its id and stamp). */
export interface FileSource {
  jobId: number;
  dir: string;
  fileStamp: string;
}

/** What ended a CANCELLED job: DELETE (here or on another node), a node's shutdown, or its node's crash found by a resume. */
export type CancelCause = 'delete' | 'shutdown' | 'crash';

/** The journal's record of a job: the public status plus what the owner needs to resume or clean up. */
export interface JobRecord extends JobStatus {
  owner: { nodeId: string; pid: number; heartbeatMs: number };
  /** fromDate as epoch ms (exportFrom is the same instant, formatted for people). */
  fromMs: number;
  exportDir: string;
  fileStamp: string;
  trigger?: 'api' | 'schedule' | 'auto';
  /**
   * Each entity's checkpoint, saved with the heartbeat. Every job that runs has this (empty at first); a job
   * recorded FAILED before it ran (pre-validation, a skipped scheduled run) has none, and nothing to resume.
   */
  checkpoints?: Record<string, Checkpoint>;
  /** Set on a CANCELLED job: what cancelled it (auto-resume takes up only a shutdown's or a crash's). */
  cancelledBy?: CancelCause;
  /**
   * A resumed job, until it has moved its files in: where they may still be, newest first (the interrupted job,
   * and the jobs that job carried on, when it too was interrupted before moving them).
   */
  carriedFrom?: FileSource[];
  /** Directories of earlier jobs left over (an interrupted job's files), removed once this job has taken or discarded them. */
  discard?: string[];
  /** The settings the files' bytes depend on besides the data: a resume must write with the same. */
  output?: OutputSettings;
}

export interface OutputSettings {
  baseUrl: string;
  sourceTimezone: string;
  lineBreak: { preserve: boolean; escape: string };
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
  extra: Partial<Pick<JobRecord, 'statistics' | 'errors' | 'warnings' | 'cancelledBy'>> = {},
): JobRecord {
  if (isTerminal(record.status)) return record;
  const time = formatOffsetIso(at);
  // What the governor measured describes a running export: a finished job's status is the documented one.
  const { pacing: _pacing, ...rest } = record;
  return {
    ...rest,
    ...extra,
    status,
    completedTime: time,
    cancelledTime: status === 'CANCELLED' ? time : null,
  };
}

/** The API view: the record without the journal's bookkeeping. */
export function toStatus(record: JobRecord, heartbeat?: { time: string; stale: boolean }): JobStatus {
  const {
    owner: _owner,
    fromMs: _from,
    exportDir: _dir,
    fileStamp: _stamp,
    trigger: _trigger,
    heartbeat: _hb,
    checkpoints: _checkpoints,
    cancelledBy: _cancelledBy,
    carriedFrom: _carried,
    discard: _discard,
    output: _output,
    ...status
  } = record;
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
