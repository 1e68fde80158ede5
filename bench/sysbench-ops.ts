// The saturated-other load's users: sysbench's oltp_read_only transaction on tables the export never
// reads (sbtest1…N: id, k, c, pad), so the site's hot set is not what the export scans.
import type mysql from 'mysql2/promise';

type Conn = mysql.PoolConnection;

/** sysbench's defaults: 10 point selects and 100-row ranges per transaction. */
const POINT_SELECTS = 10;
const RANGE_SIZE = 100;

export interface OtherTables {
  tables: number;
  rowsPerTable: number;
}

export const tableName = (n: number) => `sbtest${n}`;

// Uniform over all ids (sysbench's --rand-type=uniform): the whole of the tables is the hot set.
const randomId = (rows: number) => 1 + Math.floor(Math.random() * rows);

/** One oltp_read_only transaction on a random table; prepared statements, as sysbench uses. */
export async function oltpReadOnly(conn: Conn, other: OtherTables): Promise<void> {
  const table = tableName(1 + Math.floor(Math.random() * other.tables));
  const rangeStart = () => randomId(Math.max(1, other.rowsPerTable - RANGE_SIZE));
  await conn.query('BEGIN');
  for (let i = 0; i < POINT_SELECTS; i++) await conn.execute(`SELECT c FROM ${table} WHERE id = ?`, [randomId(other.rowsPerTable)]);
  const ranges = [
    `SELECT c FROM ${table} WHERE id BETWEEN ? AND ?`,
    `SELECT SUM(k) FROM ${table} WHERE id BETWEEN ? AND ?`,
    `SELECT c FROM ${table} WHERE id BETWEEN ? AND ? ORDER BY c`,
    `SELECT DISTINCT c FROM ${table} WHERE id BETWEEN ? AND ? ORDER BY c`,
  ];
  for (const sql of ranges) {
    const start = rangeStart();
    await conn.execute(sql, [start, start + RANGE_SIZE - 1]);
  }
  await conn.query('COMMIT');
}
