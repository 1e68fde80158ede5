// Reading through a connection that may die: a failed chunk is retried on a fresh connection from the
// same key (so nothing is lost or repeated), with back-off, until the retry budget is spent.
import { errorMessage } from '../core/errors.ts';
import type { Db } from '../core/source.ts';
import { sleep, TaskCancelled, unlessCancelled } from './cancellation.ts';

type Conn = Db & { close(): Promise<void> };

// Eight tries with doubling waits (about 30 s of waiting, plus the connection attempts): enough for a
// database restart, short enough to fail clearly.
const MAX_TRIES = 8;
const FIRST_WAIT_MS = 250;
const MAX_WAIT_MS = 15_000;
// A read unanswered this long is abandoned and retried: above the 120 s statement limit the sources set,
// so only a read the database can no longer answer (a silent network) reaches it.
const READ_TIMEOUT_MS = 150_000;
// Closing waits for a read still running on the connection: it gets this long, then the connection is left
// to the database's statement limit.
const CLOSE_WAIT_MS = 1000;

export interface RetryingSource {
  run<T>(read: (db: Db) => Promise<T>, entity: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * Waits and reads end with TaskCancelled as soon as `signal` aborts: a cancelled job ends within moments,
 * even while a lock or a dead network holds its read.
 */
export function withRetries(openDb: () => Promise<Conn>, signal: AbortSignal, readTimeoutMs = READ_TIMEOUT_MS): RetryingSource {
  let conn: Conn | null = null;
  const drop = async () => {
    const old = conn;
    conn = null;
    if (old) await Promise.race([old.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS))]);
  };
  const guard = <T>(work: Promise<T>) => guarded(work, readTimeoutMs, signal);

  const connect = async (): Promise<Conn> => {
    const opening = openDb();
    try {
      return await guard(opening);
    } catch (error) {
      // Abandoned while connecting: a connection that opens later is closed, not leaked.
      void opening.then(
        (late) => late.close(),
        () => undefined,
      );
      throw error;
    }
  };

  return {
    async run(read, entity) {
      const started = Date.now();
      let lastError: unknown;
      let tries = 0;
      while (tries < MAX_TRIES) {
        if (signal.aborted) throw new TaskCancelled(`Cancelled while reading ${entity}`);
        if (tries > 0) await sleep(Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (tries - 1)), signal);
        tries++;
        try {
          conn ??= await connect();
          return await guard(read(conn));
        } catch (error) {
          await drop();
          if (error instanceof TaskCancelled) throw error;
          lastError = error;
          if (!isRetryable(error)) break;
        }
      }
      const cause = errorMessage(lastError);
      throw new Error(tries > 1 ? `gave up after ${tries} tries in ${Math.round((Date.now() - started) / 1000)} s: ${cause}` : cause, { cause: lastError });
    },
    close: drop,
  };
}

/** Settles as `work` does, or rejects with TaskCancelled on a cancel, or with a READ_TIMEOUT error once `timeoutMs` has passed. */
function guarded<T>(work: Promise<T>, timeoutMs: number, signal: AbortSignal): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    const error = () => Object.assign(new Error(`no answer from the database in ${Math.round(timeoutMs / 1000)} s`), { code: 'READ_TIMEOUT' });
    timer = setTimeout(() => reject(error()), timeoutMs);
  });
  return unlessCancelled(Promise.race([work, timedOut]), signal).finally(() => clearTimeout(timer));
}

const RETRYABLE = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'READ_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '08006',
  '08003',
  '08001',
  '40001',
  '40P01',
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
