// The retrying reader on fake connections: which failures are retried, on a fresh connection, and how a
// read that never answers is abandoned (on cancel, or after the read timeout).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../core/source.ts';
import { TaskCancelled } from '../../workers/cancellation.ts';
import { withRetries } from '../../workers/retry.ts';

type Conn = Db & { close(): Promise<void> };

/** Fake connections numbered from 1; `closed` lists the ones closed. */
function fakeSource(open: (n: number) => void = () => undefined) {
  const closed: number[] = [];
  let opened = 0;
  const openDb = async (): Promise<Conn> => {
    const n = ++opened;
    open(n);
    return {
      dialect: 'mysql',
      table: () => null,
      id: (name) => name,
      query: async () => [{ n }],
      close: async () => void closed.push(n),
    };
  };
  return { openDb, closed, opened: () => opened };
}

const never = new Promise<never>(() => undefined);
const NEVER_CANCELLED = new AbortController().signal;
const connectionNumber = async (db: Db) => Number((await db.query('SELECT 1'))[0].n);

describe('withRetries', () => {
  test('a reconnect refused by the network (the driver error wrapped as the cause) is retried until it succeeds', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    const source = fakeSource((n) => {
      if (n < 3) throw new Error("Cannot connect to the site's database at mysql://x@127.0.0.1/db", { cause: refused });
    });
    const reader = withRetries(source.openDb, NEVER_CANCELLED);
    assert.equal(await reader.run(connectionNumber, 'pages'), 3);
    await reader.close();
  });

  test('a lost connection is closed and the same read runs again on a fresh one', async () => {
    const source = fakeSource();
    const reader = withRetries(source.openDb, NEVER_CANCELLED);
    let calls = 0;
    const result = await reader.run(async (db) => {
      if (++calls === 1) throw Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' });
      return connectionNumber(db);
    }, 'pages');
    assert.equal(result, 2);
    assert.deepEqual(source.closed, [1]);
    await reader.close();
  });

  test('an error that retrying cannot cure fails at once with its own message', async () => {
    const source = fakeSource();
    const reader = withRetries(source.openDb, NEVER_CANCELLED);
    const denied = Object.assign(new Error("SELECT command denied to user 'x' for table 'CONTENT'"), { code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await assert.rejects(
      reader.run(async () => Promise.reject(denied), 'pages'),
      { message: denied.message },
    );
    assert.equal(source.opened(), 1);
  });

  test('a read that never answers is abandoned after the read timeout and retried on a fresh connection', async () => {
    const source = fakeSource();
    const reader = withRetries(source.openDb, NEVER_CANCELLED, 300);
    const result = await reader.run(async (db) => ((await connectionNumber(db)) === 1 ? never : connectionNumber(db)), 'comments');
    assert.equal(result, 2);
    assert.deepEqual(source.closed, [1]);
    await reader.close();
  });

  test('a cancel abandons a read that never answers, with TaskCancelled', async () => {
    const cancel = new AbortController();
    const reader = withRetries(fakeSource().openDb, cancel.signal);
    const reading = reader.run(async () => never, 'pages');
    cancel.abort();
    await assert.rejects(reading, TaskCancelled);
  });

  test('a cancel during the back-off wait ends it with TaskCancelled instead of trying again', async () => {
    const cancel = new AbortController();
    const source = fakeSource();
    const reader = withRetries(source.openDb, cancel.signal);
    const lost = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const reading = reader.run(async () => {
      cancel.abort();
      throw lost;
    }, 'users');
    await assert.rejects(reading, TaskCancelled);
    assert.equal(source.opened(), 1);
  });
});
