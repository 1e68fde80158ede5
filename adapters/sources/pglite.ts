// The embedded PostgreSQL (PGlite, PostgreSQL compiled to WebAssembly) behind the same PostgreSQL source
// real sites use (postgres.ts): numbered placeholders, the catalog, quoting, text for ids and timestamps.
// The engine runs inside this process, on this thread, and blocks it while it works: every query waits for
// the one before it, for a turn of the event loop and for the engine's rest after it, so whatever the
// thread has pending (the HTTP API) goes first.
import { PGlite } from '@electric-sql/pglite';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { OpenDb } from '../../core/source.ts';
import type { DbRow } from '../../core/source.ts';
import { createPostgresDb, FORMAT_SETTINGS, RAW_TEXT_TYPES, type QueryRunner } from './postgres.ts';

export interface EmbeddedPostgres {
  /** Readers, as the kernel and the inline runner open them; closing one leaves the engine open. */
  openDb: OpenDb;
  /** Runs SQL without parameters (schema scripts, transactions). */
  exec(sql: string): Promise<void>;
  query: QueryRunner;
  close(): Promise<void>;
}

const rawText = (value: string) => value;

// The engine rests at least as long as a statement and the work it caused kept the thread busy, up to this.
const MAX_REST_MS = 50;

/**
 * Waits until the thread is free again (the caller's work on the rows included), then as long again:
 * whatever queued up meanwhile, an API request's file reads for instance, runs in that idle time.
 */
async function rest(startedMs: number): Promise<void> {
  await nextTurn();
  const busyMs = performance.now() - startedMs;
  await new Promise((resolve) => setTimeout(resolve, Math.min(busyMs, MAX_REST_MS)));
}

/** Opens (or, when the directory is empty, initialises) the database stored in `dataDir`. */
export async function openPglite(dataDir: string): Promise<EmbeddedPostgres> {
  const engine = await PGlite.create(dataDir, { parsers: Object.fromEntries(RAW_TEXT_TYPES.map((oid) => [oid, rawText])) });
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    let startedMs = 0;
    const result = tail.then(async () => {
      await nextTurn();
      startedMs = performance.now();
      return work();
    });
    const settled = () => rest(startedMs);
    tail = result.then(settled, settled);
    return result;
  };
  const query: QueryRunner = (sql, params) => inTurn(async () => (await engine.query<DbRow>(sql, params as unknown[])).rows);
  // PGlite's defaults today, set so they hold whatever the defaults become.
  await engine.exec(FORMAT_SETTINGS);
  return {
    openDb: () => createPostgresDb(query, async () => undefined),
    exec: (sql) => inTurn(async () => void (await engine.exec(sql))),
    query,
    close: () => inTurn(() => engine.close()),
  };
}
