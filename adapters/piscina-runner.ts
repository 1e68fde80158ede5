// One Piscina pool per entity type, each a single thread: entities run side by side, and a slow or
// crashed entity never takes the HTTP thread with it. The pools are made when the server starts and kept
// warm between exports (their code loaded and run on their entity's first rows), so an export pays no
// thread start-up; an idle thread waits on its port and costs no CPU.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { EntityRunner } from '../core/job/ports.ts';
import type { ControlMessage, EntityOutcome, WarmTask } from '../core/job/task.ts';
import { errorMessage } from '../core/errors.ts';
import type { TaskResult, WorkerInput } from '../workers/export-task.ts';
import { bundleWorker } from './worker-bundle.ts';

const WORKER = new URL('../workers/export-task.ts', import.meta.url);

/** With `warm`, a pool is made for each of its entities when the runner starts, and warmed on that entity. */
export function createPiscinaRunner(warm: readonly WarmTask[] = []): EntityRunner {
  const pools = new Map<string, Promise<Piscina>>();
  // What each entity's thread is warmed with; a pool made for an entity not in `warm` is warmed with its first task.
  const warming = new Map(warm.map((task) => [task.entity, task]));
  const warmWith = (task: WarmTask): WarmTask => warming.get(task.entity) ?? task;
  // Built while the server starts, so no export pays for it (see worker-bundle.ts).
  const script = bundleWorker(WORKER);
  // Threads are made and warmed one after another: a server starting beside a busy site takes one core
  // from it at a time, not all of them (five threads at once took both of a two-core machine's for ~2 s).
  let queue: Promise<unknown> = Promise.resolve();
  // Warming beside an export would take CPU the export is charged for (the threads' CPU counts against its
  // budget): a task waits for the threads already warming, and a thread made while tasks run (one replaced)
  // starts cold; its first task warms it anyway, charged for its start-up.
  let running = 0;
  const warmPool = (task: WarmTask): Promise<Piscina> => {
    const made = queue.then(() => makePool(task));
    queue = made.catch(() => undefined);
    return made;
  };
  const makePool = async (task: WarmTask): Promise<Piscina> => {
    const { filename, execArgv } = await script;
    // The thread stays for good: it is only ever replaced, never timed out.
    const pool = new Piscina({ filename, execArgv, minThreads: 1, maxThreads: 1, idleTimeout: Number.POSITIVE_INFINITY });
    // A thread that cannot warm up still exports: the warm-up only saves the first export's time.
    if (running === 0) await pool.run({ warm: task } satisfies WorkerInput).catch(() => undefined);
    return pool;
  };
  const poolFor = (task: WarmTask): Promise<Piscina> => {
    let pool = pools.get(task.entity);
    if (!pool) pools.set(task.entity, (pool = warmPool(warmWith(task))));
    return pool;
  };
  /**
   * A task that did not end cleanly (cancelled, failed, a connection it could not close) may have left
   * something in its thread: the thread goes, and a fresh one is made in its place for the next export.
   */
  const replace = (task: WarmTask, old: Promise<Piscina>) => {
    if (pools.get(task.entity) !== old) return;
    pools.set(task.entity, warmPool(warmWith(task)));
    void old.then((pool) => pool.destroy()).catch(() => undefined);
  };
  for (const task of warm) poolFor(task);
  return {
    start(task, onProgress) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', onProgress);
      const pool = poolFor(task);
      const run = async (): Promise<TaskResult> => {
        await queue;
        const thread = await pool;
        running++;
        try {
          return (await thread.run({ task, port: port2 } satisfies WorkerInput, { transferList: [port2] })) as TaskResult;
        } finally {
          running--;
        }
      };
      const outcome = run()
        .then(({ outcome, clean }) => {
          if (!outcome.ok || !clean) replace(task, pool);
          return outcome;
        })
        .catch((error: unknown): EntityOutcome => {
          replace(task, pool);
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
