// The timer that runs scheduled exports: every tick fires the run that fell due since the last tick
// (each node ticks; a claim on the shared home makes exactly one of them start it) and records skipped
// runs as FAILED jobs once the export that blocked them has ended.
import { errorMessage } from '../core/errors.ts';
import { fireDueRun, recordSkippedRuns, type TickDeps } from '../core/job/scheduled-run.ts';
import { startSerialTicker, type Ticker } from './serial-ticker.ts';

// A scheduled export starts at most this long after its time; a tick reads two small files.
export const TICK_MS = 10_000;

/** `tick()` runs one tick now (tests and start-up). */
export type Scheduler = Ticker;

export interface SchedulerOptions extends TickDeps {
  now(): number;
  log(line: string): void;
  tickMs?: number;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  // Runs missed while no node was up are not made up for: the next one after start-up fires.
  let lastCheck = options.now();

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
  return startSerialTicker(once, options.tickMs ?? TICK_MS);
}
