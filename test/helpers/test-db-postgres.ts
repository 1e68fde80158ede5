/**
 * A throwaway PostgreSQL database per test run (UTF8, C collation, as Atlassian asks of a site's database),
 * and bulk loading of a fixture written for MySQL into it: core table and column names lower case, Active
 * Objects tables (AO_*) keeping their upper-case, quoted names and columns, as on real sites.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { CONFLUENCE_TABLES, type ConfluenceFixture, type Row } from '../fixtures/confluence-fixture.ts';

const HOST = '127.0.0.1';
const PORT = 5432;
const USER = 'postgres';
// Long enough for a loaded CI runner, short enough that a missing server fails the run quickly.
const CONNECT_TIMEOUT_MS = 5_000;
// PostgreSQL binds at most 65,535 parameters per statement; big bodies are capped by characters instead.
const BATCH_MAX_PARAMS = 30_000;
const BATCH_MAX_CHARS = 4_000_000;

export interface PostgresTestDatabase {
  name: string;
  url: string;
  client: pg.Client;
  drop(): Promise<void>;
}

/** Creates `sluice_test_<random>` and runs the schema file in it. */
export async function createPostgresTestDatabase(schemaFile: string): Promise<PostgresTestDatabase> {
  const name = `sluice_test_${randomBytes(6).toString('hex')}`;
  const schema = await readFile(schemaFile, 'utf8');
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`));
  const client = new pg.Client({ host: HOST, port: PORT, user: USER, database: name, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  let dropping: Promise<void> | undefined;
  const drop = () => {
    dropping ??= (async () => {
      await client.end().catch(() => undefined);
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    })();
    return dropping;
  };
  try {
    await client.connect();
    await client.query(schema);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url: `postgres://${USER}@${HOST}:${PORT}/${name}`, client, drop };
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ host: HOST, port: PORT, user: USER, database: 'postgres', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await admin.connect();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    // Integration tests fail rather than skip without a database: a silent skip would pass CI.
    const hint = process.env.CI
      ? 'CI is set, so the integration tests fail instead of skipping'
      : `start PostgreSQL on ${HOST}:${PORT} (user ${USER}, trust authentication) to run the integration tests`;
    throw new Error(`Cannot reach the test database at ${HOST}:${PORT} as ${USER}: ${detail} (${hint})`, { cause: error });
  }
  try {
    return await work(admin);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** A MySQL fixture table's name on PostgreSQL, quoted. */
export function postgresTableName(table: string): string {
  return table.startsWith('AO_') ? `"${table}"` : table.toLowerCase();
}

function postgresColumnName(table: string, column: string): string {
  return table.startsWith('AO_') ? `"${column}"` : column.toLowerCase();
}

/** Inserts every table of the Confluence fixture. */
export async function loadFixturePostgres(db: PostgresTestDatabase, fixture: ConfluenceFixture): Promise<void> {
  for (const table of CONFLUENCE_TABLES) await insertRows(db, table, fixture[table]);
}

/**
 * Inserts rows (keyed by their MySQL column names) in batched, parameterised multi-row INSERTs. Zone-less
 * datetime text meets `timestamptz` columns in the session's zone: pass the zone the fixture's times are in.
 */
export async function insertRows(db: PostgresTestDatabase, table: string, rows: readonly Row[], timezone = 'UTC'): Promise<void> {
  if (rows.length === 0) return;
  await db.client.query(`SET TimeZone = '${timezone.replace(/'/g, "''")}'`);
  const columns = Object.keys(rows[0]);
  const names = columns.map((column) => postgresColumnName(table, column)).join(', ');
  for (const batch of batchesOf(rows, columns.length)) {
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${columns.map((column) => `$${values.push(row[column])}`).join(', ')})`);
    await db.client.query(`INSERT INTO ${postgresTableName(table)} (${names}) VALUES ${tuples.join(', ')}`, values);
  }
}

function* batchesOf(rows: readonly Row[], width: number): Generator<Row[]> {
  let batch: Row[] = [];
  let chars = 0;
  for (const row of rows) {
    const size = Object.values(row).reduce<number>((sum, value) => sum + String(value).length, 0);
    if (batch.length > 0 && ((batch.length + 1) * width > BATCH_MAX_PARAMS || chars + size > BATCH_MAX_CHARS)) {
      yield batch;
      batch = [];
      chars = 0;
    }
    batch.push(row);
    chars += size;
  }
  if (batch.length > 0) yield batch;
}
