// An export thread's CPU priority. Under a budget it works at the lowest one (nice 19, as SILK runs
// background work): whenever the site's own threads on this machine want a core, the scheduler gives it
// to them first, so the export's CPU comes out of what the site leaves idle, whatever the governor has
// yet to see. Budget 1 runs at normal priority.
//
// Linux applies a nice value to one thread when given the thread's id; /proc/thread-self names it.
// Elsewhere (no /proc, or a runtime without setPriority) the thread keeps its priority and the governor
// alone paces it.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

const LOWEST = 19;
const NORMAL = 0;

function threadId(): number | null {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/**
 * Sets the calling thread's priority; false when it cannot (not Linux, or raising it back needs a
 * privilege the process lacks: a thread kept for later exports then stays in the background).
 */
export function setThreadPriority(background: boolean): boolean {
  const id = threadId();
  if (id === null) return false;
  try {
    setPriority(id, background ? LOWEST : NORMAL);
    return true;
  } catch {
    return false;
  }
}
