import type { Db } from '../source.ts';

// Exact counts are cheap below this many rows; above it the catalog's estimate avoids a long scan on the live site.
const EXACT_COUNT_LIMIT = 2_000_000;

/** Rows an entity will likely write, for progress and ETA; null when unknown. */
export async function estimateCount(db: Db, tableName: string, where: string, params: unknown[] = []): Promise<number | null> {
  const table = db.table(tableName);
  if (table === null) return null;
  const catalog = await catalogRows(db, tableName);
  if (catalog !== null && catalog > EXACT_COUNT_LIMIT) return catalog;
  const sql = `SELECT COUNT(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`;
  const [row] = await db.query(sql, params);
  return Number(row.n);
}

async function catalogRows(db: Db, tableName: string): Promise<number | null> {
  const sql =
    db.dialect === 'mysql'
      ? 'SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?'
      : 'SELECT reltuples::bigint AS n FROM pg_class WHERE oid = to_regclass(?)';
  const resolved = db.table(tableName)!;
  // information_schema wants the bare name; to_regclass wants it quoted.
  const [row] = await db.query(sql, [db.dialect === 'mysql' ? resolved.replace(/^`|`$/g, '') : resolved]);
  return row && row.n !== null && Number(row.n) >= 0 ? Number(row.n) : null;
}
