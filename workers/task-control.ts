// What a running entity task obeys: the kernel's cancel, as one AbortSignal, and its pacing (pause,
// resume, share). A worker thread feeds it the port's messages (export-task.ts); the inline runner its send().
import type { ControlMessage } from '../core/job/task.ts';
import { TaskCancelled, unlessCancelled } from './cancellation.ts';

export interface TaskControl {
  /** Aborts when the kernel cancels the task: every wait and read ends at once with TaskCancelled. */
  readonly signal: AbortSignal;
  /** Why the kernel wants this task paused (database under load), or null. */
  pauseReason(): string | null;
  /** Resolves once the pause is lifted (at once when there is none); rejects with TaskCancelled on a cancel. */
  resumed(): Promise<void>;
  /** This entity's current share of the job's budget (it grows as other entities finish). */
  share(): number;
  /** A shorter target for each chunk's query, where the export shares its thread with the HTTP API. */
  targetChunkMs?: number;
  /** This process's CPU so far outside the HTTP thread, in ms: with the database's, what the export costs the machine. */
  processCpuMs?(): number | null;
  /** The processCpuMs reading the first chunk is charged from, when earlier than the task's start. */
  cpuSinceMs?: number;
}

/** A task's control and the one way to change it: the kernel's messages. */
export interface ObeyingControl extends TaskControl {
  obey(message: ControlMessage): void;
}

export function createTaskControl(share: number, extra: Pick<TaskControl, 'targetChunkMs' | 'processCpuMs' | 'cpuSinceMs'> = {}): ObeyingControl {
  const cancel = new AbortController();
  let reason: string | null = null;
  let current = share;
  const waiting: (() => void)[] = [];
  return {
    ...extra,
    signal: cancel.signal,
    pauseReason: () => reason,
    share: () => current,
    resumed: () => (reason === null ? Promise.resolve() : unlessCancelled(new Promise<void>((resolve) => waiting.push(resolve)), cancel.signal)),
    obey(message) {
      if (message.type === 'cancel') cancel.abort(new TaskCancelled());
      else if (message.type === 'pause') reason = message.reason;
      else if (message.type === 'share') current = message.share;
      else {
        reason = null;
        for (const resume of waiting.splice(0)) resume();
      }
    },
  };
}
