// The seeded MariaDB site copied into a fresh PostgreSQL database with the product's PostgreSQL schema
// (lower-case core tables, quoted AO tables): the same rows, so the two databases' exports and dumps
// compare. Each table is streamed out of MariaDB and into `psql \copy … FROM STDIN`, nothing on disk.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2';
import pg from 'pg';
import type { ServerAddress } from './seed.ts';

export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };

const SCHEMAS = {
  confluence: new URL('../adapters/demo/confluence-schema.sql', import.meta.url),
  jira: new URL('../test/fixtures/jira-postgres.sql', import.meta.url),
};

export const postgresUrlOf = (database: string) => `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${database}`;

async function withClient<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...POSTGRES, database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function dropPostgresDatabase(database: string): Promise<void> {
  await withClient('postgres', (admin) => admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
}

/** Copies every table the PostgreSQL schema has from the MariaDB database of the same name. */
export async function copyToPostgres(server: ServerAddress, database: string, product: 'confluence' | 'jira'): Promise<{ url: string; seconds: number }> {
  const started = performance.now();
  await dropPostgresDatabase(database);
  await withClient('postgres', (admin) => admin.query(`CREATE DATABASE ${database} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`));
  const tables = await withClient(database, async (client) => {
    await client.query(await readFile(SCHEMAS[product], 'utf8'));
    const found = await client.query(
      `SELECT c.relname AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns FROM pg_class c
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace GROUP BY c.relname`,
    );
    return found.rows as { table: string; columns: string[] }[];
  });
  const source = mysql.createConnection({ ...server, database, charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
  try {
    const [rows] = await source.promise().query('SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()');
    const mariadb = new Map<string, Map<string, string>>();
    for (const { t, c } of rows as { t: string; c: string }[]) {
      if (!mariadb.has(t.toLowerCase())) mariadb.set(t.toLowerCase(), new Map([['', t]]));
      mariadb.get(t.toLowerCase())!.set(c.toLowerCase(), c);
    }
    for (const { table, columns } of tables) {
      const from = mariadb.get(table.toLowerCase());
      const shared = columns.filter((c) => from?.has(c.toLowerCase()));
      if (!from || shared.length === 0) continue;
      const select = `SELECT ${shared.map((c) => `\`${from.get(c.toLowerCase())}\``).join(', ')} FROM \`${from.get('')}\``;
      await copyTable(source, select, `"${table}" (${shared.map((c) => `"${c}"`).join(', ')})`, database);
    }
  } finally {
    source.end();
  }
  await withClient(database, (client) => client.query('ANALYZE'));
  return { url: postgresUrlOf(database), seconds: (performance.now() - started) / 1000 };
}

// COPY's text format: backslash escapes, \N for NULL.
const copyCell = (value: unknown): string => {
  if (value === null || value === undefined) return '\\N';
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\'));
};

async function copyTable(source: mysql.Connection, select: string, target: string, database: string): Promise<void> {
  const psql = spawn(
    'psql',
    ['-q', '-v', 'ON_ERROR_STOP=1', '-h', POSTGRES.host, '-p', String(POSTGRES.port), '-U', POSTGRES.user, '-d', database, '-c', `\\copy ${target} FROM STDIN`],
    {
      // The MariaDB site's datetimes are UTC wall-clock times; timestamptz columns take them as such.
      env: { ...process.env, PGTZ: 'UTC' },
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
  let errors = '';
  psql.stderr!.on('data', (d) => (errors += d));
  const done = new Promise<void>((resolve, reject) =>
    psql.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`Cannot copy into ${target}: ${errors}`)))),
  );
  const stream = source.query({ sql: select, rowsAsArray: true }).stream();
  let batch = '';
  for await (const row of stream as AsyncIterable<unknown[]>) {
    batch += `${row.map(copyCell).join('\t')}\n`;
    if (batch.length < 256 * 1024) continue;
    const flowing = psql.stdin!.write(batch);
    batch = '';
    if (!flowing) await once(psql.stdin!, 'drain');
  }
  psql.stdin!.end(batch);
  await done;
}
