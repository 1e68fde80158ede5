// The one place a running job meets core/pacing: admission of its entities to the impact budget, the
// share each task starts with, and the load pauses its running tasks obey. runExport knows only RunPacing.
import type { Config } from '../config.ts';
import { createImpactControl, type Paced } from '../pacing/impact-control.ts';
import type { OpenLoadMonitor } from '../pacing/load-governor.ts';
import type { TaskPacing } from './task.ts';

export interface RunPacing {
  /** Waits until the budget has room for one more entity; resolves with how its task is paced. */
  admit(): Promise<TaskPacing>;
  /** A started task obeys the pacing from now on. */
  add(task: Paced): void;
  /** An admitted entity ended (null when it never started): the next may start, the others get its share. */
  done(task: Paced | null): void;
  /** Starts watching the database's load. */
  start(): void;
  stop(): Promise<void>;
}

export interface PacingDeps {
  config: Pick<Config, 'impactBudget'>;
  openLoadMonitor?: OpenLoadMonitor;
  capacity?: number;
  cores?: number;
}

/** `onLoad` hears the load verdict change: the reason to pause, or null on resume. */
export function createRunPacing(deps: PacingDeps, onLoad: (reason: string | null) => void): RunPacing {
  const impact = createImpactControl({
    budget: deps.config.impactBudget,
    capacity: deps.capacity ?? 1,
    cores: deps.cores,
    openMonitor: deps.openLoadMonitor,
    onLoad,
  });
  return {
    admit: async () => ({ share: await impact.admit(), ...(impact.cores > 0 ? { budgetCores: impact.cores } : {}) }),
    add: (task) => impact.add(task),
    done: (task) => impact.done(task),
    start: () => impact.start(),
    stop: () => impact.stop(),
  };
}
