// One Piscina pool per entity type, each a single thread: entities run side by side, and a slow or
// crashed entity never takes the HTTP thread with it. The pools are made when the server starts and kept
// warm between exports (their code loaded and run once), so an export pays no thread start-up; an idle
// thread waits on its port and costs no CPU.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { EntityRunner } from '../core/job/ports.ts';
import type { ControlMessage, EntityOutcome } from '../core/job/task.ts';
import { errorMessage } from '../core/errors.ts';
import type { TaskResult, WorkerInput } from '../workers/export-task.ts';
import { bundleWorker } from './worker-bundle.ts';

const WORKER = new URL('../workers/export-task.ts', import.meta.url);

/** What the pools are made and warmed for when the runner starts. */
export interface WarmPools {
  entities: readonly string[];
  /** The site's database: its driver is loaded while warming, never connected to. */
  databaseUrl: string;
}

export function createPiscinaRunner(warm?: WarmPools): EntityRunner {
  const pools = new Map<string, Promise<Piscina>>();
  // Built while the server starts, so no export pays for it (see worker-bundle.ts).
  const script = bundleWorker(WORKER);
  // Threads are made and warmed one after another: a server starting beside a busy site takes one core
  // from it at a time, not all of them (five threads at once took both of a two-core machine's for ~2 s).
  let warming: Promise<unknown> = Promise.resolve();
  const warmPool = (databaseUrl: string | null): Promise<Piscina> => {
    const made = warming.then(() => makePool(databaseUrl));
    warming = made.catch(() => undefined);
    return made;
  };
  const makePool = async (databaseUrl: string | null): Promise<Piscina> => {
    const { filename, execArgv } = await script;
    // The thread stays for good: it is only ever replaced, never timed out.
    const pool = new Piscina({ filename, execArgv, minThreads: 1, maxThreads: 1, idleTimeout: Number.POSITIVE_INFINITY });
    // A thread that cannot warm up still exports: the warm-up only saves the first export's time.
    if (databaseUrl !== null) await pool.run({ warm: { databaseUrl } } satisfies WorkerInput).catch(() => undefined);
    return pool;
  };
  const poolFor = (entity: string, databaseUrl: string): Promise<Piscina> => {
    let pool = pools.get(entity);
    if (!pool) pools.set(entity, (pool = warmPool(databaseUrl)));
    return pool;
  };
  /**
   * A task that did not end cleanly (cancelled, failed, a connection it could not close) may have left
   * something in its thread: the thread goes, and a fresh one is warmed in its place for the next export.
   */
  const replace = (entity: string, databaseUrl: string, old: Promise<Piscina>) => {
    if (pools.get(entity) !== old) return;
    pools.set(entity, warmPool(databaseUrl));
    void old.then((pool) => pool.destroy()).catch(() => undefined);
  };
  if (warm) for (const entity of warm.entities) poolFor(entity, warm.databaseUrl);
  return {
    start(task, onProgress) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', onProgress);
      const pool = poolFor(task.entity, task.databaseUrl);
      const outcome = pool
        .then((p) => p.run({ task, port: port2 } satisfies WorkerInput, { transferList: [port2] }) as Promise<TaskResult>)
        .then(({ outcome, clean }) => {
          if (!outcome.ok || !clean) replace(task.entity, task.databaseUrl, pool);
          return outcome;
        })
        .catch((error: unknown): EntityOutcome => {
          replace(task.entity, task.databaseUrl, pool);
          return { ok: false, code: 'internal', message: `The ${task.entity} worker failed: ${errorMessage(error)}` };
        })
        .finally(() => port1.close());
      return { outcome, send: (message: ControlMessage) => port1.postMessage(message) };
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map(async (pool) => (await pool).destroy()));
      await (await script).dispose();
    },
  };
}
