// The same site on MariaDB and on PostgreSQL exports to the same files, byte for byte: one fixture loaded
// into both (MySQL's table-name case and datetime on one side, PostgreSQL's lower case, timestamp and
// timestamptz on the other), every entity exported through the worker's loop with the same settings.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSource } from '../../adapters/sources/open-source.ts';
import { utcMsToLocal } from '../../core/dates.ts';
import type { Product } from '../../core/config.ts';
import { FLAT_OUT, type EntityTask } from '../../core/job/task.ts';
import { runEntityExport } from '../../workers/run-entity-export.ts';
import { createTaskControl } from '../../workers/task-control.ts';
import { generateConfluenceFixture, type ConfluenceFixture } from '../fixtures/confluence-fixture.ts';
import { generateJiraFixture, JIRA_BOUNDARY, JIRA_TABLES, type JiraFixture } from '../fixtures/jira-fixture.ts';
import { localDateTimeToEpochMs } from '../helpers/expected-confluence.ts';
import { batchesOfFixture, createJiraTestDatabase, jiraEntitiesOf, loadJiraBatches } from '../helpers/jira-db.ts';
import { createMysqlTestDatabase, loadFixtureMysql, type MysqlTestDatabase } from '../helpers/test-db.ts';
import { createPostgresTestDatabase, insertRows, loadFixturePostgres, type PostgresTestDatabase } from '../helpers/test-db-postgres.ts';

const fixturePath = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const CONFLUENCE_ENTITIES = ['users', 'spaces', 'pages', 'comments', 'analytics_events'];

interface Settings {
  product: Product;
  entities: readonly string[];
  timezone: string;
  fromLocal: string;
  schemaVersion: number;
  optedOut: string[];
  lineBreak: { preserve: boolean; escape: string };
}

/** Exports every entity from `url` into a fresh directory; answers entity → file bytes. */
async function exportFrom(url: string, work: string, settings: Settings): Promise<Map<string, Buffer>> {
  const dir = await mkdtemp(join(work, 'x-'));
  const fromMs = localDateTimeToEpochMs(settings.fromLocal, settings.timezone);
  const files = new Map<string, Buffer>();
  for (const entity of settings.entities) {
    const task: EntityTask = {
      product: settings.product,
      entity,
      databaseUrl: url,
      dir,
      fileName: `${entity}.csv`,
      pacing: FLAT_OUT,
      lineBreak: settings.lineBreak,
      ctx: {
        baseUrl: 'https://site.example.com/ctx',
        fromMs,
        fromLocal: utcMsToLocal(fromMs, settings.timezone),
        timezone: settings.timezone,
        optedOut: settings.optedOut,
        schemaVersion: settings.schemaVersion,
      },
    };
    const outcome = await runEntityExport(
      task,
      () => openSource(url),
      createTaskControl(task.pacing),
      () => undefined,
    );
    assert.ok(outcome.ok, `${url.slice(0, 8)} ${entity}: ${JSON.stringify(outcome)}`);
    files.set(entity, await readFile(join(dir, `${entity}.csv`)));
  }
  return files;
}

async function assertSameFiles(mysqlUrl: string, postgresUrl: string, work: string, settings: Settings): Promise<void> {
  const [fromMysql, fromPostgres] = [await exportFrom(mysqlUrl, work, settings), await exportFrom(postgresUrl, work, settings)];
  for (const entity of settings.entities) {
    const [a, b] = [fromMysql.get(entity)!, fromPostgres.get(entity)!];
    assert.ok(a.length > 200, `${entity}: the fixture should yield data rows`);
    if (!a.equals(b)) assert.equal(b.toString('utf8'), a.toString('utf8'), `${entity}: PostgreSQL's file differs from MariaDB's`);
  }
}

const escaped = { preserve: false, escape: '\\n' };

describe('a Confluence site on MariaDB and on PostgreSQL', () => {
  let mysqlDb: MysqlTestDatabase;
  let postgresDb: PostgresTestDatabase;
  let fixture: ConfluenceFixture;
  let work: string;

  before(async () => {
    fixture = generateConfluenceFixture({ seed: 3 });
    mysqlDb = await createMysqlTestDatabase(fixturePath('confluence-mysql.sql'));
    await loadFixtureMysql(mysqlDb.pool, fixture);
    postgresDb = await createPostgresTestDatabase(fileURLToPath(new URL('../../adapters/demo/confluence-schema.sql', import.meta.url)));
    await loadFixturePostgres(postgresDb, fixture);
    work = await mkdtemp(join(tmpdir(), 'sluice-mysql-vs-pg-'));
  });
  after(async () => {
    await mysqlDb?.drop();
    await postgresDb?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const base = { product: 'confluence' as const, entities: CONFLUENCE_ENTITIES, schemaVersion: 1, optedOut: [] as string[] };
  test('exports the same five files, byte for byte, in UTC from the boundary', async () => {
    await assertSameFiles(mysqlDb.url, postgresDb.url, work, { ...base, timezone: 'UTC', fromLocal: fixture.boundaryLocal, lineBreak: escaped });
  });

  test('exports the same five files in Europe/Berlin with line breaks kept and a space opted out', async () => {
    await assertSameFiles(mysqlDb.url, postgresDb.url, work, {
      ...base,
      timezone: 'Europe/Berlin',
      fromLocal: fixture.boundaryLocal,
      optedOut: ['OPT'],
      lineBreak: { preserve: true, escape: '\\n' },
    });
  });

  test('exports the same five files from long before every row', async () => {
    await assertSameFiles(mysqlDb.url, postgresDb.url, work, { ...base, timezone: 'UTC', fromLocal: '2000-01-01 00:00:00', lineBreak: escaped });
  });
});

describe('a Jira site on MariaDB and on PostgreSQL', () => {
  const TIMEZONE = 'Europe/Berlin';
  let mysqlDb: MysqlTestDatabase;
  let postgresDb: PostgresTestDatabase;
  let fixture: JiraFixture;
  let work: string;

  before(async () => {
    fixture = generateJiraFixture({ seed: 11 });
    mysqlDb = await createJiraTestDatabase();
    await loadJiraBatches(mysqlDb.pool, batchesOfFixture(fixture));
    postgresDb = await createPostgresTestDatabase(fixturePath('jira-postgres.sql'));
    // The fixture's datetimes are wall-clock times in the site's zone; PostgreSQL's timestamptz stores their instants.
    for (const table of JIRA_TABLES) await insertRows(postgresDb, table, fixture[table], TIMEZONE);
    work = await mkdtemp(join(tmpdir(), 'sluice-mysql-vs-pg-jira-'));
  });
  after(async () => {
    await mysqlDb?.drop();
    await postgresDb?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  for (const schemaVersion of [2, 1] as const) {
    test(`exports the same schema v${schemaVersion} files, byte for byte, with dates read as instants on PostgreSQL`, async () => {
      await assertSameFiles(mysqlDb.url, postgresDb.url, work, {
        product: 'jira',
        entities: jiraEntitiesOf(schemaVersion),
        schemaVersion,
        optedOut: [],
        timezone: TIMEZONE,
        fromLocal: JIRA_BOUNDARY,
        lineBreak: escaped,
      });
    });
  }
});
