// The CPU a database connection's server thread has used, from Linux's /proc, for the impact budget: with
// the export process's own CPU, what a chunk really cost this machine, however long other work kept the
// threads waiting for a core.
// Null wherever /proc cannot say (macOS, Windows, a database in another PID namespace): the governor then
// counts wall-clock time instead, which over-counts on a busy machine but never under-counts.
import { readFileSync } from 'node:fs';

// /proc reports CPU in clock ticks of USER_HZ, which Linux fixes at 100 per second on every architecture.
const TICK_MS = 10;

function statFields(path: string): string[] | null {
  try {
    const stat = readFileSync(path, 'latin1');
    // The command name is in parentheses and may itself hold spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User plus system CPU of a process or thread so far, in ms, or null when it cannot be read. */
function procCpuMs(path: string): number | null {
  const fields = statFields(path);
  if (fields === null) return null;
  const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The CPU of this process's main thread so far, in ms, or null where /proc cannot say. The main thread
 * serves the HTTP API: what status requests cost is left out of the export's account, or an administrator
 * polling hard would slow the export down.
 */
export function mainThreadCpuMs(pid: number): number | null {
  return procCpuMs(`/proc/self/task/${pid}/stat`);
}

/** The CPU of this whole process (every thread) so far, in ms, or null where /proc cannot say. */
export function processCpuMs(): number | null {
  return procCpuMs('/proc/self/stat');
}

/** The CPU of the calling thread so far, in ms (a worker thread's own), or null where /proc cannot say. */
export function threadCpuMs(): number | null {
  return procCpuMs('/proc/thread-self/stat');
}

/**
 * A clock for the CPU of another process's thread (a database connection's), or null when that thread is
 * not visible here or does not belong to a program named like `expected` (an id from a database in a
 * container would name some unrelated thread of this machine).
 */
export function openThreadCpuClock(threadId: number, expected: RegExp): (() => number | null) | null {
  if (!Number.isSafeInteger(threadId) || threadId <= 0) return null;
  const owner = /^Tgid:\s*(\d+)$/m.exec(readOr(`/proc/${threadId}/status`))?.[1];
  if (owner === undefined || !expected.test(readOr(`/proc/${owner}/comm`).trim())) return null;
  // Under its owner's task directory: `/proc/<thread id>/stat` answers for the whole process, every thread
  // of the database summed, not for the one thread.
  const path = `/proc/${owner}/task/${threadId}/stat`;
  return procCpuMs(path) === null ? null : () => procCpuMs(path);
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}
