// One Piscina pool per entity type, each a single thread: entities run side by side, and a slow or
// crashed entity never takes the HTTP thread with it.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { EntityRunner } from '../core/job/ports.ts';
import type { ControlMessage, EntityOutcome, ProgressReport } from '../core/job/task.ts';
import { errorMessage } from '../core/errors.ts';
import { bundleWorker } from './worker-bundle.ts';

const WORKER = new URL('../workers/export-task.ts', import.meta.url);
// Threads are dropped as soon as their entity is done: a pool runs one task per export, so an idle
// thread would only be reused by the next export, and meanwhile its heap is memory the site could use.
const IDLE_TIMEOUT_MS = 1_000;

export function createPiscinaRunner(): EntityRunner {
  const pools = new Map<string, Piscina>();
  // Built while the server starts, so no export pays for it (see worker-bundle.ts).
  const script = bundleWorker(WORKER);
  const poolFor = async (entity: string) => {
    const { filename, execArgv } = await script;
    let pool = pools.get(entity);
    if (!pool) {
      pool = new Piscina({ filename, execArgv, minThreads: 0, maxThreads: 1, idleTimeout: IDLE_TIMEOUT_MS });
      pools.set(entity, pool);
    }
    return pool;
  };
  return {
    start(task, onProgress) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (report: ProgressReport) => onProgress(report));
      const outcome = poolFor(task.entity)
        .then((pool) => pool.run({ task, port: port2 }, { transferList: [port2] }))
        .then((result: EntityOutcome) => result)
        .catch((error: unknown): EntityOutcome => ({ ok: false, code: 'internal', message: `The ${task.entity} worker failed: ${errorMessage(error)}` }))
        .finally(() => port1.close());
      return { outcome, send: (message: ControlMessage) => port1.postMessage(message) };
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.destroy()));
      pools.clear();
      await (await script).dispose();
    },
  };
}
