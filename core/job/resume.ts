// Which job a resume carries on, what the resumed job inherits from it, and what a resume would keep. The
// kernel (kernel.ts) asks; the moves of the files themselves are adopt-files.ts's, when the resumed job runs.
import { ValidationError, type ErrorItem } from '../errors.ts';
import type { JobStore } from './ports.ts';
import { isRunning, type FileSource, type JobRecord, type JobState, type OutputSettings } from './status.ts';

// Jobs recorded FAILED before they ran (refused starts, skipped scheduled runs) a resume looks past for the one that ran.
const LOOKBACK_JOBS = 100;

/** The interrupted job a resume would carry on, or why there is none (the message of a 400 invalid.resume). */
export type Interrupted = { job: JobRecord } | { reason: string };

/**
 * The latest job that ran, unless it COMPLETED: a job that ran has checkpoints (maybe none yet); one recorded
 * FAILED before it ran has nothing, and is looked past. `latest` is not running (the caller answered 409).
 */
export async function findInterrupted(store: Pick<JobStore, 'get'>, latest: JobRecord | null): Promise<Interrupted> {
  if (!latest) return { reason: 'Cannot resume: no export has run yet' };
  let record: JobRecord | null = latest;
  for (let seen = 0; record && seen < LOOKBACK_JOBS; seen++) {
    if (record.status === 'COMPLETED') {
      const which = record === latest ? 'the latest export' : 'the latest export that ran';
      return { reason: `Cannot resume: ${which}, job ${record.jobId}, completed; start a new export instead` };
    }
    if (record.checkpoints) return { job: record };
    record = record.jobId > 1 ? await store.get(record.jobId - 1) : null;
  }
  return { reason: `Cannot resume: no export since job ${latest.jobId} kept checkpoints to carry on from` };
}

/** What a resume asks for, checked against the job it carries on: what it leaves out is the job's, and it may not ask for other. */
export interface AskedOf {
  fromDateMs: number | null;
  forceExport: boolean | null;
  schemaVersion: number | null;
}

export function checkResumeParams(job: JobRecord, asked: AskedOf): void {
  const errors: ErrorItem[] = [];
  const differs = (name: string, has: string) =>
    errors.push({
      key: `invalid.${name}`,
      message: `Cannot resume job ${job.jobId} with another ${name}: it has ${has}; leave ${name} out, or start a new export`,
    });
  if (asked.fromDateMs !== null && asked.fromDateMs !== job.fromMs) differs('fromDate', job.config.exportFrom);
  if (asked.forceExport !== null && asked.forceExport !== job.config.forcedExport) differs('forceExport', String(job.config.forcedExport));
  if (asked.schemaVersion !== null && asked.schemaVersion !== job.config.schemaVersion) differs('schemaVersion', String(job.config.schemaVersion));
  if (errors.length > 0) throw new ValidationError(errors);
}

const OUTPUT_SETTINGS: [keyof OutputSettings, string][] = [
  ['baseUrl', 'BASE_URL'],
  ['sourceTimezone', 'SOURCE_TIMEZONE'],
  ['lineBreak', 'SLUICE_LINE_BREAK_PRESERVE and SLUICE_LINE_BREAK_ESCAPE'],
];

/** The job's files were written with these settings: carrying them on with others would mix two formats in one file. */
export function checkResumeSettings(job: JobRecord, here: OutputSettings): void {
  if (!job.output) return;
  for (const [name, variable] of OUTPUT_SETTINGS) {
    const [then, now] = [JSON.stringify(job.output[name]), JSON.stringify(here[name])];
    if (then === now) continue;
    throw new ValidationError([
      {
        key: 'invalid.resume',
        message: `Cannot resume job ${job.jobId}: its files were written with ${variable} ${then}, and this node has ${now}; resume on a node set as it was, or start a new export`,
      },
    ]);
  }
}

/** Directories an interrupted job's files may be in: its own, those it was carrying on from, those it was to discard. */
export function leftoverDirs(job: JobRecord): string[] {
  return [...new Set([job.exportDir, ...(job.carriedFrom ?? []).map((source) => source.dir), ...(job.discard ?? [])])];
}

/** The next job, made to carry `job` on: its checkpoints, and where its files may be. */
export function resuming(record: JobRecord, job: JobRecord): JobRecord {
  const source: FileSource = { jobId: job.jobId, dir: job.exportDir, fileStamp: job.fileStamp };
  return {
    ...record,
    config: { ...record.config, resumedFrom: job.jobId },
    checkpoints: { ...job.checkpoints },
    carriedFrom: [source, ...(job.carriedFrom ?? [])],
    discard: leftoverDirs(job),
  };
}

/** What a resume would keep of an interrupted job, as far as its journal record tells (the console shows it). */
export interface ResumeOffer {
  jobId: number;
  status: JobState;
  /** The job was left STARTED by a node that died: a resume records it CANCELLED first. */
  crashed: boolean;
  entities: { name: string; done: boolean; rows: number }[];
  entitiesDone: number;
  rowsKept: number;
}

export function offerOf(job: JobRecord): ResumeOffer {
  const names = [...new Set([...Object.keys(job.progress), ...Object.keys(job.checkpoints ?? {})])];
  const entities = names.map((name) => {
    const checkpoint = job.checkpoints?.[name];
    return { name, done: checkpoint?.done === true, rows: checkpoint?.rows ?? 0 };
  });
  return {
    jobId: job.jobId,
    status: job.status,
    crashed: isRunning(job),
    entities,
    entitiesDone: entities.filter((e) => e.done).length,
    rowsKept: entities.reduce((sum, e) => sum + e.rows, 0),
  };
}

/**
 * Whether SLUICE_AUTO_RESUME takes the latest job up: one a shutdown cancelled, or a crash left (STARTED by a
 * dead owner, or already recorded so by a resume that was then refused); never one DELETE cancelled, nor a FAILED one.
 */
export function autoResumable(latest: JobRecord, ownerDead: boolean): boolean {
  if (!latest.checkpoints) return false;
  if (isRunning(latest)) return ownerDead && latest.cancelledBy !== 'delete';
  return latest.status === 'CANCELLED' && (latest.cancelledBy === 'shutdown' || latest.cancelledBy === 'crash');
}
