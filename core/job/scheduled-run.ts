// What a scheduler tick does: fire the run that fell due (once across every node, through a claim on
// the shared home) and keep the schedule's own log of what each run became.
//
// A run that finds an export running cannot become a job at once: creating the next id while a job
// runs would end the lock. It is logged as SKIPPED, and once the running job has finished, the node that
// skipped it records it as a FAILED job with the next id, so /history shows it.
import { errorMessage, ExportRejectedError, ExportRunningError, type ErrorItem } from '../errors.ts';
import { EXPORT_FAILED_KEY } from './lifecycle.ts';
import type { Kernel } from './kernel.ts';
import type { JobStore } from './ports.ts';
import { dueRun, formatInZone, type Schedule } from '../settings/schedule.ts';
import type { ExportParams } from './kernel.ts';
import { parseIsoWithOffset } from '../dates.ts';
import { readSchedule } from '../settings/schedule.ts';

export const SCHEDULE_RUNS_SETTING = 'schedule-runs';
export const SCHEDULE_SKIPPED_KEY = 'export.schedule.skipped';
// The log is for the console: enough to see a few weeks of runs at a glance.
const KEPT_RUNS = 50;

export interface ScheduledRun {
  scheduledFor: string;
  scheduledMs: number;
  nodeId: string;
  outcome: 'STARTED' | 'FAILED' | 'SKIPPED';
  /** The job the run became; null while a SKIPPED run waits for the running export to end. */
  jobId: number | null;
  message: string | null;
}

export interface TickDeps {
  kernel: Kernel;
  store: JobStore;
  zone: string;
  nodeId: string;
}

export async function readRuns(store: JobStore): Promise<ScheduledRun[]> {
  const runs = await store.readSetting<ScheduledRun[]>(SCHEDULE_RUNS_SETTING);
  return Array.isArray(runs) ? runs : [];
}

async function saveRun(store: JobStore, run: ScheduledRun): Promise<void> {
  const others = (await readRuns(store)).filter((r) => r.scheduledMs !== run.scheduledMs);
  const runs = [run, ...others].sort((a, b) => b.scheduledMs - a.scheduledMs).slice(0, KEPT_RUNS);
  await store.writeSetting(SCHEDULE_RUNS_SETTING, runs);
}

function paramsOf(schedule: Schedule): ExportParams {
  return { fromDateMs: schedule.fromDate ? parseIsoWithOffset(schedule.fromDate) : null, forceExport: false, schemaVersion: schedule.schemaVersion };
}

/** Starts the run due in (lastCheckMs, nowMs] when this node wins its claim; the run, or null. */
export async function fireDueRun(deps: TickDeps, lastCheckMs: number, nowMs: number): Promise<ScheduledRun | null> {
  const schedule = await readSchedule(deps.store);
  const due = schedule && dueRun(schedule, lastCheckMs, nowMs, deps.zone);
  if (!schedule || due === null) return null;
  if (!(await deps.store.claim(`schedule-${due}`))) return null;
  const base = { scheduledFor: formatInZone(due, deps.zone), scheduledMs: due, nodeId: deps.nodeId };
  let run: ScheduledRun;
  try {
    const job = await deps.kernel.startExport(paramsOf(schedule), 'schedule');
    run = { ...base, outcome: 'STARTED', jobId: job.jobId, message: null };
  } catch (error) {
    if (error instanceof ExportRejectedError) {
      run = { ...base, outcome: 'FAILED', jobId: error.job.jobId, message: error.job.errors?.map((e) => e.message).join('; ') ?? null };
    } else if (error instanceof ExportRunningError) {
      run = {
        ...base,
        outcome: 'SKIPPED',
        jobId: null,
        message: `Cannot start the scheduled export of ${base.scheduledFor}: job ${error.job.jobId} was running`,
      };
    } else {
      const message = `Cannot start the scheduled export of ${base.scheduledFor}: ${errorMessage(error)}`;
      const job = await deps.kernel.recordFailedRun(paramsOf(schedule), new Date(due), [{ key: EXPORT_FAILED_KEY, message }]);
      run = { ...base, outcome: job ? 'FAILED' : 'SKIPPED', jobId: job?.jobId ?? null, message };
    }
  }
  await saveRun(deps.store, run);
  return run;
}

/** Turns this node's SKIPPED runs into FAILED jobs once no export runs; how many it recorded. */
export async function recordSkippedRuns(deps: TickDeps): Promise<number> {
  const waiting = (await readRuns(deps.store)).filter((r) => r.outcome === 'SKIPPED' && r.jobId === null && r.nodeId === deps.nodeId);
  if (waiting.length === 0) return 0;
  const schedule = await readSchedule(deps.store);
  const params = schedule ? paramsOf(schedule) : { fromDateMs: null, forceExport: false, schemaVersion: null };
  let recorded = 0;
  for (const run of waiting.sort((a, b) => a.scheduledMs - b.scheduledMs)) {
    const errors: ErrorItem[] = [{ key: SCHEDULE_SKIPPED_KEY, message: run.message ?? `Cannot start the scheduled export of ${run.scheduledFor}` }];
    const job = await deps.kernel.recordFailedRun(params, new Date(run.scheduledMs), errors);
    if (!job) break;
    await saveRun(deps.store, { ...run, jobId: job.jobId });
    recorded++;
  }
  return recorded;
}
