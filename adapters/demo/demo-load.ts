// Writes a freshly generated demo Confluence site into an empty embedded database: the same PostgreSQL
// schema the tests use for real sites (confluence-schema.sql), then every table in one transaction.
import { readFile } from 'node:fs/promises';
import type { EmbeddedPostgres } from '../sources/pglite.ts';
import { quoteIdent } from '../sources/postgres.ts';
import { createDemoContent } from './demo-content.ts';
import { createDemoEvents, createDemoJournal } from './demo-events.ts';
import { createRandom, type DemoRow } from './demo-random.ts';
import { createDemoUsers } from './demo-users.ts';

const SCHEMA = new URL('./confluence-schema.sql', import.meta.url);
// A few spaces and a few thousand pages: big enough to watch an export's progress, small enough to build in seconds.
export const DEMO_SIZE = { users: 150, pages: 2600, blogPosts: 400, comments: 3500, events: 20_000 } as const;
// Rows per INSERT: well under PostgreSQL's 65,535 bound parameters at the widest table.
const ROWS_PER_INSERT = 400;

export interface DemoSummary {
  spaces: number;
  pages: number;
  comments: number;
  users: number;
  events: number;
  generatedAt: string;
}

export async function generateDemoSite(engine: EmbeddedPostgres, nowMs: number, seed = 20_240_301): Promise<DemoSummary> {
  const random = createRandom(seed);
  const people = createDemoUsers(random, DEMO_SIZE.users, nowMs);
  const content = createDemoContent(random, people.authors, DEMO_SIZE, nowMs);
  const events = createDemoEvents(random, content.live, people.authors, DEMO_SIZE.events, nowMs);
  const tables: [string, DemoRow[]][] = [
    ['cwd_directory', people.directories],
    ['cwd_user', people.users],
    ['user_mapping', people.mappings],
    ['spaces', content.spaces],
    ['content', content.content],
    ['bodycontent', content.bodies],
    ['label', content.labels],
    ['content_label', content.contentLabels],
    ['AO_7B47A5_EVENT', events],
    ['journalentry', createDemoJournal(20, nowMs)],
  ];
  await engine.exec(await readFile(SCHEMA, 'utf8'));
  await engine.exec('BEGIN');
  for (const [table, rows] of tables) await insertAll(engine, table, rows);
  await engine.exec('COMMIT');
  // Fresh statistics, so the planner and the export's row estimates see the real sizes.
  await engine.exec('ANALYZE');
  return {
    spaces: content.spaces.length,
    pages: content.live.length,
    comments: content.content.filter((c) => c.contenttype === 'COMMENT' && c.prevver === null).length,
    users: people.mappings.length,
    events: events.length,
    generatedAt: new Date(nowMs).toISOString(),
  };
}

async function insertAll(engine: EmbeddedPostgres, table: string, rows: readonly DemoRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const names = columns.map(quoteIdent).join(', ');
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const params: unknown[] = [];
    const tuples = rows.slice(start, start + ROWS_PER_INSERT).map((row) => `(${columns.map((column) => `$${params.push(row[column] ?? null)}`).join(', ')})`);
    await engine.query(`INSERT INTO ${quoteIdent(table)} (${names}) VALUES ${tuples.join(', ')}`, params);
  }
}
