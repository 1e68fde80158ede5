// The timer that runs scheduled exports: every tick fires the run that fell due since the last tick
// (each node ticks; a claim on the shared home makes exactly one of them start it) and records skipped
// runs as FAILED jobs once the export that blocked them has ended.
import { errorMessage } from '../core/errors.ts';
import { fireDueRun, recordSkippedRuns, type TickDeps } from '../core/job/scheduled-run.ts';

// A scheduled export starts at most this long after its time; a tick reads two small files.
export const TICK_MS = 10_000;

export interface Scheduler {
  /** One tick now (tests and start-up); resolves when it is done. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface SchedulerOptions extends TickDeps {
  now(): number;
  log(line: string): void;
  tickMs?: number;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  // Runs missed while no node was up are not made up for: the next one after start-up fires.
  let lastCheck = options.now();
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const once = async () => {
    const now = options.now();
    try {
      await recordSkippedRuns(options);
      const run = await fireDueRun(options, lastCheck, now);
      if (run)
        options.log(
          `Scheduled export of ${run.scheduledFor}: ${run.outcome}${run.jobId !== null ? ` (job ${run.jobId})` : ''}${run.message ? `: ${run.message}` : ''}`,
        );
    } catch (error) {
      options.log(`Cannot run the export schedule: ${errorMessage(error)}`);
    } finally {
      lastCheck = Math.max(lastCheck, now);
    }
  };
  const tick = () => {
    // Ticks never overlap: a slow shared home delays the next one instead of doubling the work.
    running = running.then(() => (stopped ? undefined : once()));
    return running;
  };
  const timer = setInterval(() => void tick(), options.tickMs ?? TICK_MS);
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
