// The five Confluence files exported from a real PostgreSQL holding the planted fixture (lower-case tables,
// `timestamp without time zone`, bigint ids, the quoted AO table), compared cell by cell with the same
// expectations the MariaDB suite uses, computed from the fixture alone.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { openSource } from '../../adapters/sources/open-source.ts';
import { BASE_URL, ENTITIES, exportConfluenceFiles, VARIANTS } from '../helpers/confluence-export-run.ts';
import { generateConfluenceFixture, type ConfluenceFixture } from '../fixtures/confluence-fixture.ts';
import { expectedConfluenceRows } from '../helpers/expected-confluence.ts';
import { createPostgresTestDatabase, loadFixturePostgres, type PostgresTestDatabase } from '../helpers/test-db-postgres.ts';

const SCHEMA = new URL('../../adapters/demo/confluence-schema.sql', import.meta.url).pathname;

describe('Confluence export on PostgreSQL', () => {
  let db: PostgresTestDatabase;
  let fixture: ConfluenceFixture;
  let work: string;

  before(async () => {
    db = await createPostgresTestDatabase(SCHEMA);
    fixture = generateConfluenceFixture({ seed: 7 });
    await loadFixturePostgres(db, fixture);
    work = await mkdtemp(join(tmpdir(), 'sluice-pg-confluence-'));
  });
  after(async () => {
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  for (const variant of VARIANTS) {
    test(`every file matches the database cell by cell (${variant.name})`, async () => {
      const dir = await mkdtemp(join(work, 'v-'));
      const { fromMs } = await exportConfluenceFiles(db.url, fixture, variant, dir);
      const expected = expectedConfluenceRows(fixture, {
        baseUrl: BASE_URL,
        fromDate: new Date(fromMs),
        timezone: variant.timezone,
        lineBreak: variant.lineBreak,
        optedOutSpaceKeys: variant.optedOut,
      });
      for (const entity of ENTITIES) {
        const parsed: string[][] = parse(await readFile(join(dir, `${entity}.csv`), 'utf8'), { relax_column_count: false, bom: false });
        assert.equal(parsed.length, expected[entity].length, `${entity}: row count`);
        for (let i = 0; i < parsed.length; i++) assert.deepEqual(parsed[i], expected[entity][i], `${entity}: row ${i}`);
        assert.ok(parsed.length > 3, `${entity}: the fixture should yield data rows`);
      }
      assert.deepEqual((await readdir(dir)).sort(), ENTITIES.map((e) => `${e}.csv`).sort(), 'only finished files are left');
    });
  }

  test('the files do not depend on the session time zone the database hands out', async () => {
    const first = await mkdtemp(join(work, 'zone-a-'));
    await exportConfluenceFiles(db.url, fixture, VARIANTS[1], first);
    await db.client.query(`ALTER DATABASE ${db.name} SET timezone = 'Pacific/Chatham'`);
    await db.client.query(`ALTER DATABASE ${db.name} SET datestyle = 'SQL, DMY'`);
    const second = await mkdtemp(join(work, 'zone-b-'));
    try {
      await exportConfluenceFiles(db.url, fixture, VARIANTS[1], second);
    } finally {
      await db.client.query(`ALTER DATABASE ${db.name} RESET ALL`);
    }
    for (const entity of ENTITIES) {
      assert.ok((await readFile(join(first, `${entity}.csv`))).equals(await readFile(join(second, `${entity}.csv`))), entity);
    }
  });

  test('the source is PostgreSQL: lower-case tables resolve, the AO table keeps its quoted upper-case name', async () => {
    const source = await openSource(db.url);
    try {
      assert.equal(source.dialect, 'postgres');
      assert.equal(source.table('CONTENT'), '"content"');
      assert.equal(source.table('AO_7B47A5_EVENT'), '"AO_7B47A5_EVENT"');
      assert.equal(source.table('NO_SUCH_TABLE'), null);
      const [row] = await source.query('SELECT c.CONTENTID AS id, c.LASTMODDATE AS updated FROM content c WHERE c.CONTENTID = ?', ['9007199254740995']);
      assert.deepEqual(row, { id: '9007199254740995', updated: fixture.CONTENT.find((c) => c.CONTENTID === '9007199254740995')!.LASTMODDATE });
    } finally {
      await source.close();
    }
  });
});
