/**
 * A Jira site in a throwaway MariaDB database: the schema from test/fixtures/jira-mysql.sql and the
 * fixture's rows, inserted as parameterised multi-row INSERTs.
 */
import { fileURLToPath } from 'node:url';
import type { Pool } from 'mysql2/promise';
import { JIRA_COLUMNS, JIRA_TABLES, type JiraBatch, type JiraFixture } from '../fixtures/jira-fixture.ts';
import { createMysqlTestDatabase, type MysqlTestDatabase } from './test-db.ts';

export const JIRA_SCHEMA_FILE = fileURLToPath(new URL('../fixtures/jira-mysql.sql', import.meta.url));
// UTF-16 units per statement: at up to 3 bytes each plus escaping, an INSERT stays under the default 16 MB packet.
const MAX_CHARS = 2_000_000;

export function createJiraTestDatabase(): Promise<MysqlTestDatabase> {
  return createMysqlTestDatabase(JIRA_SCHEMA_FILE);
}

/** Inserts batches (from `jiraFixtureBatches`, or a whole fixture through `batchesOfFixture`). */
export async function loadJiraBatches(pool: Pool, batches: Iterable<JiraBatch>): Promise<void> {
  for (const { table, rows } of batches) {
    const columns: readonly string[] = JIRA_COLUMNS[table];
    let start = 0;
    while (start < rows.length) {
      let end = start;
      let chars = 0;
      while (end < rows.length && (end === start || chars < MAX_CHARS)) {
        chars += columns.reduce((sum, c) => sum + String(rows[end][c]).length, 0);
        end++;
      }
      const tuple = `(${columns.map(() => '?').join(',')})`;
      const sql = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(',')}) VALUES ${rows.slice(start, end).map(() => tuple).join(',')}`;
      await pool.query(sql, rows.slice(start, end).flatMap((row) => columns.map((c) => row[c])));
      start = end;
    }
  }
}

export function* batchesOfFixture(fixture: JiraFixture, rowsPerBatch = 500): Generator<JiraBatch> {
  for (const table of JIRA_TABLES) {
    for (let i = 0; i < fixture[table].length; i += rowsPerBatch) yield { table, rows: fixture[table].slice(i, i + rowsPerBatch) };
  }
}
