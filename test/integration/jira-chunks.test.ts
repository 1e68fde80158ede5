// Keyset chunks of the Jira entities: any chunk size gives the same rows in the same order, and a chunk
// costs a bounded number of queries whatever its size (lookups are IN lists per chunk, never per row).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openSource, type OpenedDb } from '../../adapters/sources/open-source.ts';
import { utcMsToLocal } from '../../core/dates.ts';
import type { EntityDef, ReadContext } from '../../core/entities/entity.ts';
import { productDef } from '../../core/entities/index.ts';
import { createCsvWriter, rowCount } from '../../core/csv.ts';
import { generateJiraFixture } from '../fixtures/jira-fixture.ts';
import { batchesOfFixture, createJiraTestDatabase, loadJiraBatches } from '../helpers/jira-db.ts';
import type { MysqlTestDatabase } from '../helpers/test-db.ts';

// Issues: the page and its lookups in one statement (two on schema version 1); issue_fields: the page and
// its lookups (values, labels, associations, fields, options, sprints, users), fewer than a dozen. Anything
// above this would mean a query per row.
const MAX_QUERIES_PER_CHUNK = 12;
const FROM_MS = Date.UTC(2024, 2, 1, 9);

interface Read {
  /** The chunks' records as CSV, one after the other. */
  csv: string;
  rows: number;
  chunks: number;
  maxQueries: number;
}

async function readAll(db: OpenedDb, entity: EntityDef, ctx: ReadContext, limit: number): Promise<Read> {
  let queries = 0;
  const counting = {
    ...db,
    query: (sql: string, params?: readonly unknown[]) => {
      queries++;
      return db.query(sql, params);
    },
    rows: (sql: string, params?: readonly unknown[]) => {
      queries++;
      return db.rows!(sql, params);
    },
  };
  const writer = createCsvWriter({ preserve: false, escape: '\\n' });
  const decoder = new TextDecoder();
  let csv = '';
  let rows = 0;
  let after: string | null = null;
  let chunks = 0,
    maxQueries = 0;
  for (;;) {
    queries = 0;
    const chunk = await entity.read(counting, ctx, after, limit);
    chunks++;
    maxQueries = Math.max(maxQueries, queries);
    csv += decoder.decode(writer.rows(chunk.rows));
    rows += rowCount(chunk.rows);
    after = chunk.lastKey ?? after;
    if (chunk.scanned < limit) return { csv, rows, chunks, maxQueries };
  }
}

describe('Jira keyset chunks', () => {
  let site: MysqlTestDatabase;
  let db: OpenedDb;

  before(async () => {
    site = await createJiraTestDatabase();
    await loadJiraBatches(site.pool, batchesOfFixture(generateJiraFixture({ seed: 5, scale: 2 })));
    db = await openSource(site.url);
  });
  after(async () => {
    await db?.close();
    await site?.drop();
  });

  for (const schemaVersion of [2, 1]) {
    const ctx: ReadContext = {
      baseUrl: 'https://jira.example.com',
      fromMs: FROM_MS,
      fromLocal: utcMsToLocal(FROM_MS, 'UTC'),
      timezone: 'UTC',
      optedOut: ['OPT'],
      schemaVersion,
    };
    for (const entity of productDef('jira').entities.filter((e) => !e.versions || e.versions.includes(schemaVersion))) {
      test(`${entity.name} (v${schemaVersion}) reads the same rows in chunks of 3 as in one chunk, with at most ${MAX_QUERIES_PER_CHUNK} queries a chunk`, async () => {
        const whole = await readAll(db, entity, ctx, 100_000);
        const small = await readAll(db, entity, ctx, 3);
        assert.equal(whole.chunks, 1);
        assert.ok(small.chunks > 10, `${entity.name}: the fixture should need many small chunks`);
        assert.ok(whole.rows > 10, `${entity.name}: the fixture should yield rows`);
        assert.equal(small.rows, whole.rows);
        assert.equal(small.csv, whole.csv);
        assert.ok(whole.maxQueries <= MAX_QUERIES_PER_CHUNK, `${entity.name}: ${whole.maxQueries} queries for one large chunk`);
        assert.ok(small.maxQueries <= MAX_QUERIES_PER_CHUNK, `${entity.name}: ${small.maxQueries} queries for a small chunk`);
      });
    }
  }
});
