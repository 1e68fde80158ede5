// The one place a running job meets core/pacing: admission of its entities, each task's first
// instructions, and what the job status shows of the pacing. runExport knows only RunPacing.
import { createPacer, type Paced, type PacingView } from '../pacing/pacer.ts';
import type { PacingPlan } from '../pacing/plan.ts';
import type { OpenSiteMonitor } from '../pacing/site-monitor.ts';
import type { TaskPacing } from './task.ts';

export interface RunPacing {
  /** Waits until the pace has room for one more entity; resolves with how its task is paced. */
  admit(): Promise<TaskPacing>;
  /** A started task obeys the pacing from now on. */
  add(task: Paced): void;
  /** An admitted entity ended (null when it never started): the next may start, the others re-split. */
  done(task: Paced | null): void;
  /** Work of the job's own besides its entities (the row estimates): paced like an entity, without taking one's room. */
  helper(task: Paced): () => void;
  /** What a running task's queries have cost the database so far, in CPU ms (null where it cannot be timed). */
  queryCpu(task: Paced, totalMs: number | null): void;
  /** Starts measuring the site (governed exports). */
  start(): void;
  stop(): Promise<void>;
}

export interface PacingDeps {
  plan: PacingPlan;
  openMonitor?: OpenSiteMonitor;
}

/** `onChange` hears every change of what the pacing shows. */
export function createRunPacing(deps: PacingDeps, onChange: (view: PacingView) => void): RunPacing {
  const pacer = createPacer({ plan: deps.plan, openMonitor: deps.openMonitor, onChange });
  const costBasis = deps.plan.mode === 'fixed' ? deps.plan.costBasis : 'wall';
  const budgetCores = deps.plan.mode === 'fixed' ? deps.plan.cores : undefined;
  const background = deps.plan.mode !== 'unlimited';
  return {
    admit: async () => ({ first: await pacer.admit(), costBasis, ...(budgetCores ? { budgetCores } : {}), ...(background ? { background } : {}) }),
    add: (task) => pacer.add(task),
    done: (task) => pacer.done(task),
    helper: (task) => pacer.helper(task),
    queryCpu: (task, totalMs) => pacer.queryCpu(task, totalMs),
    start: () => pacer.start(),
    stop: () => pacer.stop(),
  };
}
