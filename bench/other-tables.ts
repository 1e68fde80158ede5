// The saturated-other load's tables: sysbench-like sbtest1…N in the bench database, sized so that the
// site and they together exceed the database's buffer pool, as on a default MariaDB whose site is
// bigger than its cache. The export never reads them; its scan can still evict their pages.
import { createRandom, type Random } from './random.ts';
import { connect, loadTable, type ServerAddress } from './seed.ts';
import { type OtherTables, tableName } from './sysbench-ops.ts';
import { batches, line } from './tsv.ts';

// sysbench's default table count.
const TABLES = 4;
// An sbtest row in InnoDB (4 + 4 + 120 + 60 bytes, row header, the k index, page fill) takes about this.
const BYTES_PER_ROW = 240;
// The site and the other tables together should exceed the pool clearly, not by a page.
const OVER_POOL = 1.25;
const SEED = 20_240_602;

export interface OtherTablesPlan extends OtherTables {
  /** What the tables take once loaded (InnoDB's data and index lengths), and the site's and the pool's sizes. */
  bytes: number;
  siteBytes: number;
  bufferPoolBytes: number;
  seconds: number;
}

/** sysbench's c and pad: groups of 11 random digits joined by dashes. */
const digits = (random: Random, groups: number) =>
  Array.from({ length: groups }, () =>
    Math.floor(random.next() * 1e11)
      .toString()
      .padStart(11, '0'),
  ).join('-');

export async function databaseBytes(server: ServerAddress, database: string, other: boolean): Promise<number> {
  const conn = await connect(server);
  try {
    const [rows] = await conn.query(
      `SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS bytes FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME ${other ? '' : 'NOT '}LIKE 'sbtest%'`,
      [database],
    );
    return Number((rows as { bytes: string }[])[0].bytes);
  } finally {
    await conn.end();
  }
}

async function bufferPoolBytes(server: ServerAddress): Promise<number> {
  const conn = await connect(server);
  try {
    const [rows] = await conn.query('SELECT @@innodb_buffer_pool_size AS bytes');
    return Number((rows as { bytes: string }[])[0].bytes);
  } finally {
    await conn.end();
  }
}

/** Creates and loads sbtest1…4 of at least `minBytes` together, more when the site and they would fit the pool. */
export async function seedOtherTables(server: ServerAddress, database: string, minBytes: number): Promise<OtherTablesPlan> {
  const started = performance.now();
  const siteBytes = await databaseBytes(server, database, false);
  const pool = await bufferPoolBytes(server);
  const target = Math.max(minBytes, OVER_POOL * pool - siteBytes);
  const rowsPerTable = Math.round(target / TABLES / BYTES_PER_ROW);
  const conn = await connect(server, database);
  try {
    const tables = Array.from({ length: TABLES }, (_, i) => i + 1);
    for (const n of tables) {
      await conn.query(`DROP TABLE IF EXISTS ${tableName(n)}`);
      await conn.query(
        `CREATE TABLE ${tableName(n)} (id INT NOT NULL, k INT NOT NULL DEFAULT 0, c CHAR(120) NOT NULL DEFAULT '',
        pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=latin1`,
      );
    }
    // Loaded in id order, the secondary index built afterwards: as sysbench's prepare does.
    for (const n of tables) {
      const random = createRandom(SEED + n);
      const ids = Array.from({ length: rowsPerTable }, (_, i) => i + 1);
      await loadTable(conn, {
        table: tableName(n),
        columns: ['id', 'k', 'c', 'pad'],
        lines: () => batches(ids, (id) => line([id, 1 + Math.floor(random.next() * rowsPerTable), digits(random, 10), digits(random, 5)])),
      });
      await conn.query(`ALTER TABLE ${tableName(n)} ADD INDEX k_${n} (k)`);
    }
    await conn.query(`ANALYZE TABLE ${tables.map(tableName).join(', ')}`);
  } finally {
    await conn.end();
  }
  const bytes = await databaseBytes(server, database, true);
  return { tables: TABLES, rowsPerTable, bytes, siteBytes, bufferPoolBytes: pool, seconds: (performance.now() - started) / 1000 };
}
