// What a running entity task obeys: the kernel's cancel, as one AbortSignal, and its pacing (duty cycle,
// holds). A worker thread feeds it the port's messages (export-task.ts); the inline runner its send().
import type { ControlMessage, TaskPacing } from '../core/job/task.ts';
import { createEntityPace, type EntityPace } from '../core/pacing/entity-pace.ts';
import { TaskCancelled } from './cancellation.ts';

export interface TaskControl {
  /** Aborts when the kernel cancels the task: every wait and read ends at once with TaskCancelled. */
  readonly signal: AbortSignal;
  /** The task's latest pacing instructions, and the rests they ask for. */
  readonly pace: EntityPace;
  /** A shorter target for each chunk's query, where the export shares its thread with the HTTP API. */
  targetChunkMs?: number;
  /** This process's CPU so far outside the HTTP thread, in ms: with the database's, what the export costs the machine. */
  processCpuMs?(): number | null;
  /** The processCpuMs reading the first chunk is charged from, when earlier than the task's start. */
  cpuSinceMs?: number;
  /** This task's own thread's CPU so far, in ms, where it can be read: what the entity cost, for its progress. */
  threadCpuMs?(): number | null;
}

/** A task's control and the one way to change it: the kernel's messages. */
export interface ObeyingControl extends TaskControl {
  obey(message: ControlMessage): void;
}

export function createTaskControl(
  pacing: TaskPacing,
  extra: Pick<TaskControl, 'targetChunkMs' | 'processCpuMs' | 'cpuSinceMs' | 'threadCpuMs'> = {},
): ObeyingControl {
  const cancel = new AbortController();
  const pace = createEntityPace(pacing.first);
  return {
    ...extra,
    signal: cancel.signal,
    pace,
    obey(message) {
      if (message.type === 'cancel') cancel.abort(new TaskCancelled());
      else pace.update(message);
    },
  };
}
