// Seeds a fresh MariaDB database with a scaled Jira site from the shared Jira fixture generator (its
// planted hard cases plus bulk issues), each batch streamed through LOAD DATA LOCAL INFILE.
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type mysql from 'mysql2/promise';
import { JIRA_COLUMNS, jiraFixtureBatches, type JiraBatch } from '../test/fixtures/jira-fixture.ts';
import { connect, createFreshDatabase, type ServerAddress } from './seed.ts';
import { line, tsv } from './tsv.ts';

const SCHEMA_FILE = new URL('../test/fixtures/jira-mysql.sql', import.meta.url);
// The fixture's scale per benchmark scale: 50 × 200 bulk issues, about 10,000 issues, so --scale 100 is
// Atlassian's million.
export const JIRA_FIXTURE_SCALE_PER_BENCH_SCALE = 50;
// Every decimal and date in the fixture is text already; AO numbers are numbers.
const cell = (value: string | number | null) => (value === null ? null : typeof value === 'number' ? value : tsv(value));

export async function seedJira(server: ServerAddress, database: string, scale: number): Promise<{ issues: number; seconds: number }> {
  const started = performance.now();
  await createFreshDatabase(server, database);
  const conn = await connect(server, database);
  let issues = 0;
  try {
    await conn.query(await readFile(SCHEMA_FILE, 'utf8'));
    for (const batch of jiraFixtureBatches({ scale: scale * JIRA_FIXTURE_SCALE_PER_BENCH_SCALE, batchRows: 5000 })) {
      if (batch.table === 'jiraissue') issues += batch.rows.length;
      await loadBatch(conn, batch);
    }
    await conn.query('ANALYZE TABLE jiraissue, changegroup, changeitem, customfieldvalue, label, issuelink, app_user, cwd_user');
  } finally {
    await conn.end();
  }
  return { issues, seconds: (performance.now() - started) / 1000 };
}

async function loadBatch(conn: mysql.Connection, batch: JiraBatch): Promise<void> {
  if (batch.rows.length === 0) return;
  const columns = JIRA_COLUMNS[batch.table];
  let text = '';
  for (const row of batch.rows) text += line(columns.map((c) => cell(row[c] ?? null)));
  await conn.query({
    sql: `LOAD DATA LOCAL INFILE 'batch.tsv' INTO TABLE \`${batch.table}\` CHARACTER SET utf8mb4 (${columns.map((c) => `\`${c}\``).join(', ')})`,
    infileStreamFactory: () => Readable.from([Buffer.from(text, 'utf8')]),
  } as mysql.QueryOptions);
}
