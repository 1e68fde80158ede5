/**
 * A throwaway MariaDB/MySQL database per test run, and bulk loading of a fixture into it.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import type { Connection, Pool, PoolOptions } from 'mysql2/promise';
import { CONFLUENCE_TABLES } from '../fixtures/confluence-fixture.ts';
import type { ConfluenceFixture, Row } from '../fixtures/confluence-fixture.ts';

const HOST = '127.0.0.1';
const PORT = 3306;
const USER = 'root';
// Long enough for a loaded CI runner, short enough that a missing server fails the run quickly.
const CONNECT_TIMEOUT_MS = 5_000;
// UTF-16 units: at up to 3 bytes each plus escaping, an INSERT stays under the default 16 MB max_allowed_packet.
const BATCH_MAX_CHARS = 2_000_000;
const BATCH_MAX_ROWS = 500;

// Ids above 2^53 and datetimes must come back as the exact text the database holds.
const POOL_OPTIONS: PoolOptions = {
  host: HOST,
  port: PORT,
  user: USER,
  password: '',
  charset: 'utf8mb4',
  supportBigNumbers: true,
  bigNumberStrings: true,
  dateStrings: true,
  multipleStatements: true,
  connectTimeout: CONNECT_TIMEOUT_MS,
  connectionLimit: 4,
};

export interface MysqlTestDatabase {
  name: string;
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** Creates `sluice_test_<random>` (utf8mb4_bin) and runs the schema file's statements in it. */
export async function createMysqlTestDatabase(schemaFile: string): Promise<MysqlTestDatabase> {
  const name = `sluice_test_${randomBytes(6).toString('hex')}`;
  const schema = await readFile(schemaFile, 'utf8');
  const admin = await connectAsAdmin();
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  const pool = mysql.createPool({ ...POOL_OPTIONS, database: name });
  const drop = dropOnce(pool, name);
  try {
    await pool.query(schema);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url: `mysql://${USER}@${HOST}:${PORT}/${name}`, pool, drop };
}

async function connectAsAdmin(): Promise<Connection> {
  try {
    return await mysql.createConnection({ host: HOST, port: PORT, user: USER, password: '', connectTimeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    // Integration tests fail rather than skip without a database: a silent skip would pass CI.
    const hint = process.env.CI
      ? 'CI is set, so the integration tests fail instead of skipping'
      : 'start MariaDB on 127.0.0.1:3306 (root, empty password) to run the integration tests';
    throw new Error(`Cannot reach the test database at ${HOST}:${PORT} as ${USER}: ${detail} (${hint})`, { cause: error });
  }
}

function dropOnce(pool: Pool, name: string): () => Promise<void> {
  let dropping: Promise<void> | undefined;
  return () => {
    dropping ??= (async () => {
      try {
        await pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await pool.end();
      }
    })();
    return dropping;
  };
}

/** Inserts every table of the fixture, in batched, parameterized multi-row INSERTs. */
export async function loadFixtureMysql(pool: Pool, fixture: ConfluenceFixture): Promise<void> {
  for (const table of CONFLUENCE_TABLES) {
    for (const batch of batchesOf(fixture[table])) await insertBatch(pool, table, batch);
  }
}

async function insertBatch(pool: Pool, table: string, rows: Row[]): Promise<void> {
  const columns = Object.keys(rows[0]);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sql = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`;
  await pool.query(
    sql,
    rows.flatMap((row) => columns.map((column) => row[column])),
  );
}

function* batchesOf(rows: Row[]): Generator<Row[]> {
  let batch: Row[] = [];
  let chars = 0;
  for (const row of rows) {
    const size = Object.values(row).reduce<number>((sum, value) => sum + String(value).length, 0);
    if (batch.length > 0 && (batch.length >= BATCH_MAX_ROWS || chars + size > BATCH_MAX_CHARS)) {
      yield batch;
      batch = [];
      chars = 0;
    }
    batch.push(row);
    chars += size;
  }
  if (batch.length > 0) yield batch;
}
