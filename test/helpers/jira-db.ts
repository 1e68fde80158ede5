/**
 * A Jira site in a throwaway MariaDB database (the schema from test/fixtures/jira-mysql.sql and the
 * fixture's rows, inserted as parameterised multi-row INSERTs), and its export through the worker's loop.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Pool } from 'mysql2/promise';
import { openSource } from '../../adapters/sources/open-source.ts';
import { utcMsToLocal } from '../../core/dates.ts';
import { FLAT_OUT, type EntityTask } from '../../core/job/task.ts';
import { runEntityExport } from '../../workers/run-entity-export.ts';
import { createTaskControl } from '../../workers/task-control.ts';
import { JIRA_COLUMNS, JIRA_TABLES, type JiraBatch, type JiraFixture } from '../fixtures/jira-fixture.ts';
import { JIRA_ENTITIES, type JiraEntity } from './expected-jira.ts';
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
      const sql = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(',')}) VALUES ${rows
        .slice(start, end)
        .map(() => tuple)
        .join(',')}`;
      await pool.query(
        sql,
        rows.slice(start, end).flatMap((row) => columns.map((c) => row[c])),
      );
      start = end;
    }
  }
}

export function* batchesOfFixture(fixture: JiraFixture, rowsPerBatch = 500): Generator<JiraBatch> {
  for (const table of JIRA_TABLES) {
    for (let i = 0; i < fixture[table].length; i += rowsPerBatch) yield { table, rows: fixture[table].slice(i, i + rowsPerBatch) };
  }
}

export interface JiraExportOptions {
  baseUrl: string;
  fromMs: number;
  timezone: string;
  schemaVersion: 1 | 2;
  optedOut?: string[];
  /** Replaces line breaks inside values; null keeps them. */
  escape?: string | null;
}

export const jiraEntitiesOf = (schemaVersion: 1 | 2): JiraEntity[] => (schemaVersion === 1 ? JIRA_ENTITIES.filter((e) => e !== 'users') : JIRA_ENTITIES);

/** Runs each entity of the schema version through the worker's export loop; answers the parsed files. */
export async function exportJira(url: string, dir: string, options: JiraExportOptions): Promise<Record<JiraEntity, string[][]>> {
  const files = {} as Record<JiraEntity, string[][]>;
  const escape = options.escape === undefined ? '\\n' : options.escape;
  for (const entity of jiraEntitiesOf(options.schemaVersion)) {
    const task: EntityTask = {
      product: 'jira',
      entity,
      databaseUrl: url,
      dir,
      fileName: `${entity}.csv`,
      pacing: FLAT_OUT,
      lineBreak: { preserve: escape === null, escape: escape ?? '\\n' },
      ctx: {
        baseUrl: options.baseUrl,
        fromMs: options.fromMs,
        fromLocal: utcMsToLocal(options.fromMs, options.timezone),
        timezone: options.timezone,
        optedOut: options.optedOut ?? [],
        schemaVersion: options.schemaVersion,
      },
    };
    const outcome = await runEntityExport(
      task,
      () => openSource(url),
      createTaskControl(task.pacing),
      () => undefined,
    );
    if (!outcome.ok) throw new Error(`Cannot export ${entity}: ${outcome.message}`);
    files[entity] = parseCsv(await readFile(join(dir, `${entity}.csv`), 'utf8'));
  }
  return files;
}

export function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: false, bom: false, record_delimiter: '\r\n' });
}
