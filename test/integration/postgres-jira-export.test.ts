// The Jira files exported from a real PostgreSQL holding the fixture (lower-case tables and columns,
// numeric(18,0) ids, timestamptz dates, quoted AO tables), compared cell by cell with the expectations the
// MariaDB suite computes from the fixture alone.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateJiraFixture, JIRA_BOUNDARY, JIRA_TABLES, type JiraFixture } from '../fixtures/jira-fixture.ts';
import { wallClockToEpochMs } from '../helpers/expected-jira-cells.ts';
import { expectedJiraFiles } from '../helpers/expected-jira.ts';
import { exportJira, jiraEntitiesOf } from '../helpers/jira-db.ts';
import { createPostgresTestDatabase, insertRows, type PostgresTestDatabase } from '../helpers/test-db-postgres.ts';

const BASE_URL = 'https://jira.example.com/jira';
const SCHEMA = fileURLToPath(new URL('../fixtures/jira-postgres.sql', import.meta.url));
// The fixture's datetimes are wall-clock times here; loading stores them as instants in timestamptz columns.
const SITE_ZONE = 'Europe/Berlin';

const VARIANTS = [
  { name: 'schema v2 read in the site zone from the boundary', schemaVersion: 2 as const, optedOut: [], escape: '\\n', fromLocal: JIRA_BOUNDARY },
  { name: 'schema v1 with line breaks kept', schemaVersion: 1 as const, optedOut: [], escape: null, fromLocal: JIRA_BOUNDARY },
  { name: 'schema v2 with project OPT opted out', schemaVersion: 2 as const, optedOut: ['OPT'], escape: '\u23CE', fromLocal: JIRA_BOUNDARY },
];

describe('Jira export on PostgreSQL', () => {
  let db: PostgresTestDatabase;
  let fixture: JiraFixture;
  let work: string;

  before(async () => {
    db = await createPostgresTestDatabase(SCHEMA);
    fixture = generateJiraFixture({ seed: 11 });
    for (const table of JIRA_TABLES) await insertRows(db, table, fixture[table], SITE_ZONE);
    work = await mkdtemp(join(tmpdir(), 'sluice-pg-jira-'));
  });
  after(async () => {
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  for (const variant of VARIANTS) {
    test(`every file matches the fixture cell by cell (${variant.name})`, async () => {
      const dir = await mkdtemp(join(work, 'v-'));
      const fromMs = wallClockToEpochMs(variant.fromLocal, SITE_ZONE);
      const options = { baseUrl: BASE_URL, fromMs, timezone: SITE_ZONE, schemaVersion: variant.schemaVersion };
      const files = await exportJira(db.url, dir, { ...options, optedOut: variant.optedOut, escape: variant.escape });
      const expected = expectedJiraFiles(fixture, { ...options, optedOutProjectKeys: variant.optedOut, lineBreakEscape: variant.escape });
      for (const entity of jiraEntitiesOf(variant.schemaVersion)) {
        const [parsed, want] = [files[entity], expected[entity]!];
        assert.deepEqual(parsed[0], want[0], `${entity}: header`);
        for (let i = 1; i < Math.max(parsed.length, want.length); i++) assert.deepEqual(parsed[i], want[i], `${entity}: row ${i}`);
        assert.ok(parsed.length > 3, `${entity}: the fixture should yield data rows`);
      }
    });
  }

  test('timestamptz columns are read at their own offset, whatever SOURCE_TIMEZONE says', async () => {
    const fromMs = wallClockToEpochMs(JIRA_BOUNDARY, SITE_ZONE);
    const options = { baseUrl: BASE_URL, fromMs, schemaVersion: 2 as const };
    const inSiteZone = await exportJira(db.url, await mkdtemp(join(work, 'z1-')), { ...options, timezone: SITE_ZONE });
    const elsewhere = await exportJira(db.url, await mkdtemp(join(work, 'z2-')), { ...options, timezone: 'America/New_York' });
    assert.deepEqual(elsewhere.issues, inSiteZone.issues);
    assert.deepEqual(elsewhere.issue_history, inSiteZone.issue_history);
  });
});
