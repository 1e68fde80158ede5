// PostgreSQL through pg, and the PostgreSQL side every PostgreSQL source shares (the embedded PGlite too):
// `?` placeholders numbered, table names from the catalog, identifiers double-quoted, and ids, numerics and
// timestamps handed over as the text the server holds, so ids above 2^53 stay exact and core/cells.ts reads
// zone-less timestamps in SOURCE_TIMEZONE and `timestamptz` values at their own offset.
import pg from 'pg';
import type { Db, DbRow, RowBlock } from '../../core/source.ts';
import { isLocalDatabase } from '../../core/pacing/plan.ts';
import { resolveTables } from './catalog.ts';
import { openThreadCpuClock } from './cpu-time.ts';
import { copyRowBlock, copyRows } from './postgres-copy.ts';
import { fillPlaceholders } from './sql-placeholders.ts';

// The first version whose COPY writes a header line in text format.
const COPY_HEADER_VERSION = 150_000;
// Connection attempts give up after this, so an unreachable database is an error, never a hang.
const CONNECT_TIMEOUT_MS = 10_000;
// A single chunk query may not run longer than this, as on MySQL.
const STATEMENT_TIMEOUT_MS = 120_000;

/** int8, numeric, date, timestamp, timestamptz, time, timetz: kept as text, never through a JS number or Date. */
export const RAW_TEXT_TYPES: readonly number[] = [20, 1700, 1082, 1114, 1184, 1083, 1266];

/**
 * ISO dates whatever the server's default; UTC so `timestamptz` text carries a plain `+00` offset (it is
 * parsed at its offset either way).
 */
export const FORMAT_SETTINGS = `SET DateStyle = 'ISO, MDY'; SET TimeZone = 'UTC'`;
// Read-only besides: an export never writes to the site.
const SESSION_SETTINGS = `${FORMAT_SETTINGS}; SET default_transaction_read_only = on`;

// Tables the unqualified name finds on the search path (a site may live in a schema other than public).
const TABLES_SQL = `SELECT c.relname AS name FROM pg_catalog.pg_class c
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND pg_catalog.pg_table_is_visible(c.oid)`;

export type OpenedPostgresDb = Db & { close(): Promise<void> };
export type QueryRunner = (sql: string, params: readonly unknown[]) => Promise<DbRow[]>;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Core writes `?`; PostgreSQL numbers its parameters. Quoted literals and identifiers are left as they are. */
export function toNumberedPlaceholders(sql: string): string {
  return fillPlaceholders(sql, (n) => `$${n + 1}`);
}

/** Runs `?`-placeholder SQL whose `bytes` columns come back as UTF-8 bytes. */
export type BytesRunner = (sql: string, params: readonly unknown[], bytes: readonly string[]) => Promise<DbRow[]>;

/** Runs `?`-placeholder SQL whose rows come back as a block of cells. */
export type BlockRunner = (sql: string, params: readonly unknown[]) => Promise<RowBlock>;

/** What a connection offers beyond plain queries: its server process's CPU, COPY for bytes and for blocks. */
export interface PostgresExtras {
  cpuMs?: () => number | null;
  runBytes?: BytesRunner;
  runBlock?: BlockRunner;
}

/** A Db over any PostgreSQL query function: the catalog is read once, when it opens. */
export async function createPostgresDb(run: QueryRunner, close: () => Promise<void>, extras: PostgresExtras = {}): Promise<OpenedPostgresDb> {
  const { cpuMs, runBytes, runBlock } = extras;
  const names = await run(TABLES_SQL, []);
  return {
    dialect: 'postgres',
    table: resolveTables(
      names.map((row) => String(row.name)),
      quoteIdent,
    ),
    id: quoteIdent,
    query: (sql, params = [], options = {}) =>
      runBytes && options.bytes?.length ? runBytes(sql, params, options.bytes) : run(toNumberedPlaceholders(sql), params),
    ...(cpuMs ? { cpuMs } : {}),
    ...(runBlock ? { rows: (sql: string, params: readonly unknown[] = []) => runBlock(sql, params) } : {}),
    close,
  };
}

const rawText = (value: string) => value;

function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (RAW_TEXT_TYPES.includes(oid)) return rawText;
  return (pg.types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown)(oid, format);
}

export async function openPostgres(url: string): Promise<OpenedPostgresDb> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'sluice',
    types: { getTypeParser: typeParser } as pg.CustomTypesConfig,
  });
  // A dropped connection surfaces on the next query, which the retry layer handles; unhandled, it would crash.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`${SESSION_SETTINGS}; SET statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    const [server] = (await client.query(`SELECT pg_backend_pid() AS pid, current_setting('server_version_num')::int AS version`)).rows;
    // Each connection is one server process: on this machine, its CPU can be read.
    const cpuMs = isLocalDatabase(url) ? openThreadCpuClock(Number(server.pid), /^postgres/) : null;
    const inTurn = oneAtATime();
    const run: QueryRunner = (sql, params) => inTurn(async () => (await client.query({ text: sql, values: params as unknown[] })).rows);
    // COPY's text format has a header line from PostgreSQL 15 on: the columns are known by name.
    const copies = server.version >= COPY_HEADER_VERSION;
    return await createPostgresDb(run, () => client.end().catch(() => undefined), {
      ...(cpuMs ? { cpuMs } : {}),
      ...(copies
        ? {
            runBytes: (sql, params, bytes) => inTurn(() => copyRows(client, sql, params, bytes)),
            runBlock: (sql, params) => inTurn(() => copyRowBlock(client, sql, params)),
          }
        : {}),
    });
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/** Entities may ask for two lookups at once; one connection answers them in turn (pg 9 stops queueing them itself). */
function oneAtATime(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };
}
