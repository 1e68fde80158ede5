// MySQL/MariaDB through mysql2: each open() is one connection; values come back as text so ids above
// 2^53 and zone-less datetimes reach the entities exactly as stored.
import { isUtf8 } from 'node:buffer';
import mysql from 'mysql2/promise';
import type { Db, DbRow } from '../../core/source.ts';
import { isLocalDatabase } from '../../core/pacing/plan.ts';
import { resolveTables } from './catalog.ts';
import { openThreadCpuClock } from './cpu-time.ts';
import { createRowReader } from './mysql-rows.ts';

// Connection attempts give up after this, so an unreachable database is an error, never a hang.
const CONNECT_TIMEOUT_MS = 10_000;
// A single chunk query may not run longer than this (MariaDB's max_statement_time, in seconds).
const STATEMENT_TIMEOUT_S = 120;
// Every statement Sluice sends starts with this comment: the site monitor leaves Sluice's own queries out
// of the site's activity by it (the process list shows a statement's text).
export const SLUICE_MARK = '/*sluice*/';
// MySQL 8's resource group for export connections: user threads at the lowest OS priority.
const RESOURCE_GROUP = 'sluice_export';

export interface MysqlOptions {
  /** Run this connection's queries at low priority where the server offers it (the load monitor's probe must not). */
  lowPriority: boolean;
}

export async function openMysql(url: string, options: MysqlOptions = { lowPriority: true }): Promise<Db & { close(): Promise<void> }> {
  const conn = await mysql.createConnection({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
    charset: 'utf8mb4',
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  conn.on('error', () => undefined);
  try {
    await conn.query(`SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED`);
    await conn
      .query(`SET SESSION max_statement_time = ${STATEMENT_TIMEOUT_S}`)
      .catch(() => conn.query(`SET SESSION max_execution_time = ${STATEMENT_TIMEOUT_S * 1000}`).catch(() => undefined));
    const server = options.lowPriority || isLocalDatabase(url) ? await serverKind(conn) : null;
    if (options.lowPriority) await lowerPriority(conn, server);
    const [names] = await conn.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
    const tables = resolveTables(
      (names as DbRow[]).map((r) => String(r.name)),
      (t) => `\`${t}\``,
    );
    const cpuMs = isLocalDatabase(url) ? await connectionCpuClock(conn, server) : null;
    const readRows = createRowReader(conn);
    return {
      dialect: 'mysql',
      table: tables,
      id: (name) => `\`${name.replace(/`/g, '``')}\``,
      async query(sql, params = [], options = {}) {
        const bytes = options.bytes ?? [];
        const typeCast = bytes.length === 0 ? undefined : utf8BytesFor(bytes);
        const [rows] = await conn.query({ sql: `${SLUICE_MARK} ${sql}`, values: params as unknown[], ...(typeCast ? { typeCast } : {}) });
        return rows as DbRow[];
      },
      rows: (sql, params = []) => readRows(`${SLUICE_MARK} ${sql}`, params),
      ...(cpuMs ? { cpuMs } : {}),
      close: () => conn.end().catch(() => conn.destroy()),
    };
  } catch (error) {
    conn.destroy();
    throw error;
  }
}

/**
 * A row parser hook that hands the named columns over as the UTF-8 bytes the server sent (the
 * connection's character set is utf8mb4, so the server has converted them already). Bytes that are not
 * valid UTF-8 are decoded as a string would be, replacement characters and all.
 */
function utf8BytesFor(columns: readonly string[]): mysql.TypeCast {
  const wanted = new Set(columns);
  return (field, next) => {
    if (!wanted.has(field.name)) return next();
    const raw = field.buffer();
    return raw === null || isUtf8(raw) ? raw : raw.toString('utf8');
  };
}

interface ServerKind {
  mariadb: boolean;
  major: number;
  /** `one-thread-per-connection`, or `pool-of-threads` where a thread pool serves the connections. */
  handling: string | null;
}

async function serverKind(conn: mysql.Connection): Promise<ServerKind | null> {
  try {
    const [rows] = await conn.query('SELECT VERSION() AS version, @@thread_handling AS handling');
    const { version, handling } = (rows as DbRow[])[0];
    return { mariadb: /mariadb/i.test(String(version)), major: Number(String(version).split('.')[0]), handling: handling === null ? null : String(handling) };
  } catch {
    return null;
  }
}

/**
 * The CPU clock of the server thread behind this connection: MariaDB names it in its process list,
 * MySQL 8 in performance_schema. A thread pool shares threads between connections, so there is none.
 */
async function connectionCpuClock(conn: mysql.Connection, server: ServerKind | null): Promise<(() => number | null) | null> {
  if (server?.handling !== 'one-thread-per-connection') return null;
  const sql = server.mariadb
    ? 'SELECT TID AS tid FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()'
    : 'SELECT THREAD_OS_ID AS tid FROM performance_schema.threads WHERE PROCESSLIST_ID = CONNECTION_ID()';
  try {
    const [rows] = await conn.query(sql);
    const tid = (rows as DbRow[])[0]?.tid;
    return tid === null || tid === undefined ? null : openThreadCpuClock(Number(tid), /^(mariadbd|mysqld)$/);
  } catch {
    // Not readable here (performance_schema off, no privilege): wall-clock time it is.
    return null;
  }
}

/**
 * Lets the site's own queries go first where the server can tell them apart: MariaDB's thread pool
 * (`thread_pool_priority`) and MySQL 8's resource groups. Servers without either, or users without the
 * privilege, simply run the export at normal priority: the duty cycle still bounds it.
 */
async function lowerPriority(conn: mysql.Connection, server: ServerKind | null): Promise<void> {
  try {
    if (server?.mariadb) {
      if (server.handling === 'pool-of-threads') await conn.query(`SET SESSION thread_pool_priority = 'low'`);
    } else if (server && server.major >= 8) {
      await conn.query(`SET RESOURCE GROUP ${RESOURCE_GROUP}`).catch(async () => {
        await conn.query(`CREATE RESOURCE GROUP ${RESOURCE_GROUP} TYPE = USER THREAD_PRIORITY = 19`).catch(() => undefined);
        await conn.query(`SET RESOURCE GROUP ${RESOURCE_GROUP}`);
      });
    }
  } catch {
    // Not offered here: normal priority.
  }
}
