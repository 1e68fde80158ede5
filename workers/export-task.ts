// Piscina's entry for one entity export: opens its own connection and obeys the kernel's port messages.
import type { MessagePort } from 'node:worker_threads';
import { mainThreadCpuMs, threadCpuMs } from '../adapters/sources/cpu-time.ts';
import { openSource } from '../adapters/sources/open-source.ts';
import type { ControlMessage, EntityOutcome, EntityTask } from '../core/job/task.ts';
import { errorMessage } from '../core/errors.ts';
import { runEntityExport } from './run-entity-export.ts';
import { setThreadPriority } from './thread-priority.ts';
import { createTaskControl } from './task-control.ts';

/** The process's CPU outside its main (HTTP) thread: export threads, the runtime's own threads. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000 - (mainThreadCpuMs(process.pid) ?? 0);
}

// The process's CPU when this thread started. Its first task is charged for the thread's start-up (loading
// this bundle and the driver), which is CPU the site gives up for the export like any other.
let atThreadStart: number | null = processCpuMs();

export default async function exportTask({ task, port }: { task: EntityTask; port: MessagePort }): Promise<EntityOutcome> {
  const control = createTaskControl(task.pacing, { processCpuMs, cpuSinceMs: atThreadStart ?? undefined, threadCpuMs });
  port.on('message', (message: ControlMessage) => control.obey(message));
  atThreadStart = null;
  setThreadPriority(task.pacing.background === true);
  try {
    return await runEntityExport(
      task,
      () => openSource(task.databaseUrl),
      control,
      (report) => port.postMessage(report),
    );
  } catch (error) {
    return { ok: false, code: 'internal', message: `Cannot export ${task.entity}: ${errorMessage(error)}` };
  } finally {
    port.close();
  }
}
