// Seeds a fresh MariaDB database with a scaled Confluence site: the schema the exporter reads, then
// every table streamed through LOAD DATA LOCAL INFILE (no temporary files, no row-by-row INSERTs).
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import mysql from 'mysql2/promise';
import { confluenceTables } from './confluence-rows.ts';
import { sitePlan, type SitePlan } from './confluence-site.ts';
import type { TableLoad } from './tsv.ts';

const SCHEMA_FILE = new URL('../test/fixtures/confluence-mysql.sql', import.meta.url);
// Two loads at a time: one table's rows are generated while the server writes the other's.
const PARALLEL_LOADS = 2;
// The site's content is the same for a given scale on every run.
const SEED = 20_240_601;

export interface ServerAddress {
  host: string;
  port: number;
  user: string;
  password: string;
}

export const urlOf = (server: ServerAddress, database: string) =>
  `mysql://${encodeURIComponent(server.user)}${server.password ? ':' + encodeURIComponent(server.password) : ''}@${server.host}:${server.port}/${database}`;

export async function connect(server: ServerAddress, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({ ...server, database, multipleStatements: true, charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true });
}

/** Creates an empty `database`, dropping any leftover of that name. */
export async function createFreshDatabase(server: ServerAddress, database: string): Promise<void> {
  const admin = await connect(server);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
}

/** Creates `database` (dropping any leftover of that name) and loads the site; returns what it seeded. */
export async function seedConfluence(server: ServerAddress, database: string, scale: number): Promise<{ plan: SitePlan; seconds: number }> {
  const started = performance.now();
  await createFreshDatabase(server, database);
  const plan = sitePlan(scale);
  const first = await connect(server, database);
  await first.query(await readFile(SCHEMA_FILE, 'utf8'));
  await first.end();
  const queue = confluenceTables(plan, SEED);
  await Promise.all(
    Array.from({ length: PARALLEL_LOADS }, async () => {
      const conn = await connect(server, database);
      try {
        for (let table = queue.shift(); table; table = queue.shift()) await loadTable(conn, table);
      } finally {
        await conn.end();
      }
    }),
  );
  const last = await connect(server, database);
  await last.query(`ANALYZE TABLE SPACES, CONTENT, BODYCONTENT, LABEL, CONTENT_LABEL, user_mapping, cwd_user, cwd_directory, AO_7B47A5_EVENT`);
  await last.end();
  return { plan, seconds: (performance.now() - started) / 1000 };
}

export async function loadTable(conn: mysql.Connection, table: TableLoad): Promise<void> {
  const columns = table.columns.map((c) => `\`${c}\``).join(', ');
  await conn.query({
    sql: `LOAD DATA LOCAL INFILE 'generated.tsv' INTO TABLE \`${table.table}\` CHARACTER SET utf8mb4 (${columns})`,
    infileStreamFactory: () => Readable.from(asBuffers(table.lines())),
  } as mysql.QueryOptions);
}

function* asBuffers(lines: Iterable<string>): Iterable<Buffer> {
  for (const text of lines) yield Buffer.from(text, 'utf8');
}

export async function dropDatabase(server: ServerAddress, database: string): Promise<void> {
  const admin = await connect(server);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await admin.end();
  }
}
