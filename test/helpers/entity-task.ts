// An analytics-events task writing into a test's own directory, and the prototype of Node's FileHandle,
// which tests replace methods on to see or break the worker's writes.
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FLAT_OUT, type EntityTask } from '../../core/job/task.ts';

export function analyticsEventsTask(dir: string, fileName: string, baseUrl: string): EntityTask {
  return {
    product: 'confluence',
    entity: 'analytics_events',
    dir,
    fileName,
    ctx: { baseUrl, fromMs: 0, fromLocal: '1970-01-01 00:00:00', timezone: 'UTC', optedOut: [], schemaVersion: 1 },
    lineBreak: { preserve: false, escape: '\\n' },
    pacing: FLAT_OUT,
    databaseUrl: 'mysql://x@127.0.0.1:3306/site',
  };
}

/** FileHandle is not exported; its prototype is reachable from any open handle. */
export async function fileHandlePrototype<T>(dir: string): Promise<T> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as T;
  await probe.close();
  await rm(join(dir, 'probe'));
  return proto;
}
