// Piscina's entry for one entity export: opens its own connection and obeys the kernel's port messages.
// A pool's thread lives from the server's start to its end: it is warmed once (warm-up.ts), then runs
// one entity export after another, and says after each whether it closed every connection it opened.
import type { MessagePort } from 'node:worker_threads';
import { mainThreadCpuMs, threadCpuMs } from '../adapters/sources/cpu-time.ts';
import { openSource, type OpenedDb } from '../adapters/sources/open-source.ts';
import type { ControlMessage, EntityOutcome, EntityTask, WarmTask } from '../core/job/task.ts';
import { errorMessage } from '../core/errors.ts';
import { runEntityExport } from './run-entity-export.ts';
import { setThreadPriority } from './thread-priority.ts';
import { createTaskControl } from './task-control.ts';
import { warmUp } from './warm-up.ts';

export type WorkerInput = { warm: WarmTask } | { task: EntityTask; port: MessagePort };

export interface TaskResult {
  outcome: EntityOutcome;
  /** Every connection the task opened was closed: the thread holds nothing of it and may run the next. */
  clean: boolean;
}

/** The process's CPU outside its main (HTTP) thread: export threads, the runtime's own threads. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000 - (mainThreadCpuMs(process.pid) ?? 0);
}

// The process's CPU when this thread started. A thread that was not warmed charges its first task for its
// start-up (loading this bundle and the driver), which is CPU the site gives up for the export like any other.
let atThreadStart: number | null = processCpuMs();

export default async function exportTask(input: WorkerInput): Promise<TaskResult | null> {
  if ('warm' in input) {
    atThreadStart = null;
    await warmUp(input.warm);
    return null;
  }
  const { task, port } = input;
  const control = createTaskControl(task.pacing, { processCpuMs, cpuSinceMs: atThreadStart ?? undefined, threadCpuMs });
  port.on('message', (message: ControlMessage) => control.obey(message));
  atThreadStart = null;
  setThreadPriority(task.pacing.background === true);
  const connections = countedConnections(() => openSource(task.databaseUrl));
  try {
    const outcome = await runEntityExport(task, connections.open, control, (report) => port.postMessage(report));
    return { outcome, clean: connections.live() === 0 };
  } catch (error) {
    return { outcome: { ok: false, code: 'internal', message: `Cannot export ${task.entity}: ${errorMessage(error)}` }, clean: false };
  } finally {
    port.close();
  }
}

/** Opens connections and counts the ones not yet closed. */
function countedConnections(open: () => Promise<OpenedDb>) {
  let live = 0;
  return {
    async open(): Promise<OpenedDb> {
      const db = await open();
      live++;
      let closing: Promise<void> | null = null;
      return {
        ...db,
        close: () =>
          (closing ??= db.close().then(() => {
            live--;
          })),
      };
    },
    live: () => live,
  };
}
