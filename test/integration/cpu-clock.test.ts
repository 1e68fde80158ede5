// The impact budget counts what a chunk cost in CPU where the machine can tell: the export process's own
// and the database thread's behind the connection, when the database runs on this host.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSource, type OpenedDb } from '../../adapters/sources/open-source.ts';
import { openThreadCpuClock } from '../../adapters/sources/cpu-time.ts';
import { createPostgresTestDatabase, type PostgresTestDatabase } from '../helpers/test-db-postgres.ts';
import { createMysqlTestDatabase, type MysqlTestDatabase } from '../helpers/test-db.ts';

const MYSQL_SCHEMA = fileURLToPath(new URL('../fixtures/confluence-mysql.sql', import.meta.url));
const POSTGRES_SCHEMA = fileURLToPath(new URL('../../adapters/demo/confluence-schema.sql', import.meta.url));

/** Runs `work` until `clock` has moved by at least `ms`; returns how far it moved. */
async function spend(clock: () => number | null, ms: number, work: () => unknown): Promise<number> {
  const start = clock();
  assert.notEqual(start, null);
  for (let round = 0; round < 200; round++) {
    await work();
    const spent = clock()! - start!;
    if (spent >= ms) return spent;
  }
  return clock()! - start!;
}

test('a thread of another program, or one that does not exist, has no clock', () => {
  assert.equal(openThreadCpuClock(process.pid, /^(mariadbd|mysqld)$/), null);
  assert.equal(openThreadCpuClock(0, /./), null);
  assert.equal(openThreadCpuClock(2 ** 31, /./), null);
});

describe('the database CPU behind a connection', () => {
  let mysqlSite: MysqlTestDatabase;
  let postgresSite: PostgresTestDatabase;
  let mysqlDb: OpenedDb;
  let postgresDb: OpenedDb;
  before(async () => {
    mysqlSite = await createMysqlTestDatabase(MYSQL_SCHEMA);
    postgresSite = await createPostgresTestDatabase(POSTGRES_SCHEMA);
    mysqlDb = await openSource(mysqlSite.url);
    postgresDb = await openSource(postgresSite.url);
  });
  after(async () => {
    await mysqlDb?.close();
    await postgresDb?.close();
    await mysqlSite?.drop();
    await postgresSite?.drop();
  });

  test("MariaDB on this host: the connection's server thread is timed, and moves with a heavy query", async () => {
    assert.equal(typeof mysqlDb.cpuMs, 'function');
    const spent = await spend(
      () => mysqlDb.cpuMs!(),
      50,
      () => mysqlDb.query(`SELECT BENCHMARK(2000000, MD5('sluice')) AS x`),
    );
    assert.ok(spent >= 50, `moved ${spent} ms`);
  });

  test("MariaDB on this host: an idle connection's clock stands still", async () => {
    const start = mysqlDb.cpuMs!();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(mysqlDb.cpuMs!(), start);
  });

  test("MariaDB on this host: one connection's clock does not count another connection's work", async () => {
    const other = await openSource(mysqlSite.url);
    try {
      const start = mysqlDb.cpuMs!();
      const spent = await spend(
        () => other.cpuMs!(),
        100,
        () => other.query(`SELECT BENCHMARK(2000000, MD5('sluice')) AS x`),
      );
      assert.ok(spent >= 100, `the busy connection's clock moved ${spent} ms`);
      // The server's other threads (purge, the idle one's own) may take a tick while the busy one works.
      const moved = mysqlDb.cpuMs!()! - start!;
      assert.ok(moved <= 10, `the idle connection's clock moved ${moved} ms`);
    } finally {
      await other.close();
    }
  });

  test('PostgreSQL on this host: the backend process is timed, and moves with a heavy query', async () => {
    assert.equal(typeof postgresDb.cpuMs, 'function');
    const spent = await spend(
      () => postgresDb.cpuMs!(),
      50,
      () => postgresDb.query('SELECT sum(i) AS x FROM generate_series(1, 2000000) AS g(i)'),
    );
    assert.ok(spent >= 50, `moved ${spent} ms`);
  });
});
