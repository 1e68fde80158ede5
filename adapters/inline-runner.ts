// Runs entity exports on this thread, for sources worker threads cannot reach: the embedded PGlite is an
// engine inside this process's memory. The HTTP API shares the thread with the exports then, so it stays
// responsive by construction: every query first yields to the event loop (pending requests are served
// between any two of them), and chunks aim at a query time far below the one worker threads use.
// Entities run one after another: the engine answers one query at a time anyway, and an entity that
// waited for the others' queries would measure their time as its own and shrink its chunks to nothing.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorMessage } from '../core/errors.ts';
import type { EntityRunner } from '../core/job/ports.ts';
import type { OpenDb } from '../core/source.ts';
import type { EntityOutcome } from '../core/job/task.ts';
import { runEntityExport } from '../workers/run-entity-export.ts';
import { createTaskControl, type ObeyingControl } from '../workers/task-control.ts';

// A chunk's query and its CSV work hold the thread that answers HTTP: at 20 ms a request that lands behind
// one is still answered well within 100 ms.
const INLINE_CHUNK_MS = 20;

interface Running {
  control: ObeyingControl;
  outcome: Promise<EntityOutcome>;
}

export function createInlineRunner(openDb: OpenDb): EntityRunner {
  const running = new Set<Running>();
  let queue: Promise<unknown> = Promise.resolve();
  const openYielding: OpenDb = async () => {
    const db = await openDb();
    return {
      ...db,
      async query(sql, params) {
        await nextTurn();
        return db.query(sql, params);
      },
    };
  };
  return {
    start(task, onProgress) {
      const control = createTaskControl(task.pacing, { targetChunkMs: INLINE_CHUNK_MS });
      const outcome = queue
        .then(
          (): Promise<EntityOutcome> =>
            control.signal.aborted
              ? Promise.resolve({ ok: false, code: 'cancelled', message: `Cancelled before exporting ${task.entity}` })
              : runEntityExport(task, openYielding, control, onProgress),
        )
        .catch((error): EntityOutcome => ({ ok: false, code: 'internal', message: `Cannot export ${task.entity}: ${errorMessage(error)}` }));
      queue = outcome;
      const entry: Running = { control, outcome };
      running.add(entry);
      void outcome.finally(() => running.delete(entry));
      return { outcome, send: (message) => control.obey(message) };
    },
    async close() {
      for (const entry of running) entry.control.obey({ type: 'cancel' });
      await Promise.all([...running].map((entry) => entry.outcome));
    },
  };
}
