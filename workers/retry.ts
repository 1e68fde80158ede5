// Reading through a connection that may die: a failed chunk is retried on a fresh connection from the
// same key (so nothing is lost or repeated), with back-off, until the retry budget is spent.
import { errorMessage } from '../core/errors.ts';
import type { Db } from '../core/source.ts';

type Conn = Db & { close(): Promise<void> };

// Eight tries with doubling waits cover about a minute: enough for a database restart, short enough to fail clearly.
const MAX_TRIES = 8;
const FIRST_WAIT_MS = 250;
const MAX_WAIT_MS = 15_000;

export interface RetryingSource {
  run<T>(read: (db: Db) => Promise<T>, entity: string): Promise<T>;
  close(): Promise<void>;
}

export function withRetries(openDb: () => Promise<Conn>, isCancelled: () => boolean): RetryingSource {
  let conn: Conn | null = null;
  const drop = async () => {
    const old = conn;
    conn = null;
    await old?.close().catch(() => undefined);
  };
  return {
    async run(read, entity) {
      let lastError: unknown;
      for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (attempt - 1))));
        if (isCancelled()) break;
        try {
          conn ??= await openDb();
          return await read(conn);
        } catch (error) {
          lastError = error;
          await drop();
          if (!isRetryable(error)) break;
        }
      }
      throw new Error(`reading ${entity} failed after retries: ${errorMessage(lastError)}`, { cause: lastError });
    },
    close: drop,
  };
}

const RETRYABLE = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED', 'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK',
  'PROTOCOL_SEQUENCE_TIMEOUT', '57P01', '57P02', '57P03', '08006', '08003', '08001', '40001', '40P01',
]);

/** Looks through wrappers too: a failed reconnect arrives as the source's error with the driver's as its cause. */
function isRetryable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Object && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE.has(code)) return true;
    if (/connection|closed state|terminat|ECONNRESET|socket/i.test(errorMessage(e))) return true;
  }
  return false;
}
