// The five Jira files exported from a real MariaDB holding the fixture, through the worker's export loop,
// parsed back and compared cell by cell with expectations computed from the fixture alone.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateJiraFixture, JIRA_BOUNDARY, type JiraFixture } from '../fixtures/jira-fixture.ts';
import { wallClockToEpochMs } from '../helpers/expected-jira-cells.ts';
import { expectedJiraFiles } from '../helpers/expected-jira.ts';
import { batchesOfFixture, createJiraTestDatabase, exportJira, jiraEntitiesOf, loadJiraBatches } from '../helpers/jira-db.ts';
import type { MysqlTestDatabase } from '../helpers/test-db.ts';

const BASE_URL = 'https://jira.example.com/jira';

interface Variant {
  name: string;
  timezone: string;
  schemaVersion: 1 | 2;
  optedOut: string[];
  escape: string | null;
  /** A wall-clock time in `timezone` to export from. */
  fromLocal: string;
}

const VARIANTS: Variant[] = [
  { name: 'schema v2 in UTC from the boundary', timezone: 'UTC', schemaVersion: 2, optedOut: [], escape: '\\n', fromLocal: JIRA_BOUNDARY },
  {
    name: 'schema v1 in Europe/Berlin from the boundary, line breaks kept',
    timezone: 'Europe/Berlin',
    schemaVersion: 1,
    optedOut: [],
    escape: null,
    fromLocal: JIRA_BOUNDARY,
  },
  {
    name: 'schema v2 with project OPT opted out and a custom escape',
    timezone: 'UTC',
    schemaVersion: 2,
    optedOut: ['OPT'],
    escape: '\u23CE',
    fromLocal: JIRA_BOUNDARY,
  },
  { name: 'schema v2 from long before every row', timezone: 'UTC', schemaVersion: 2, optedOut: [], escape: '\\n', fromLocal: '2000-01-01 00:00:00' },
];

describe('Jira export on MariaDB', () => {
  let db: MysqlTestDatabase;
  let fixture: JiraFixture;
  let work: string;

  before(async () => {
    db = await createJiraTestDatabase();
    fixture = generateJiraFixture({ seed: 11 });
    await loadJiraBatches(db.pool, batchesOfFixture(fixture));
    work = await mkdtemp(join(tmpdir(), 'sluice-jira-'));
  });
  after(async () => {
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  for (const variant of VARIANTS) {
    test(`every file matches the fixture cell by cell (${variant.name})`, async () => {
      const dir = await mkdtemp(join(work, 'v-'));
      const fromMs = wallClockToEpochMs(variant.fromLocal, variant.timezone);
      const options = { baseUrl: BASE_URL, fromMs, timezone: variant.timezone, schemaVersion: variant.schemaVersion };
      const files = await exportJira(db.url, dir, { ...options, optedOut: variant.optedOut, escape: variant.escape });
      const expected = expectedJiraFiles(fixture, { ...options, optedOutProjectKeys: variant.optedOut, lineBreakEscape: variant.escape });
      for (const entity of jiraEntitiesOf(variant.schemaVersion)) {
        const [parsed, want] = [files[entity], expected[entity]!];
        assert.deepEqual(parsed[0], want[0], `${entity}: header`);
        for (let i = 1; i < Math.max(parsed.length, want.length); i++) assert.deepEqual(parsed[i], want[i], `${entity}: row ${i}`);
        assert.ok(parsed.length > 3, `${entity}: the fixture should yield data rows`);
      }
      assert.deepEqual(
        (await readdir(dir)).sort(),
        jiraEntitiesOf(variant.schemaVersion)
          .map((e) => `${e}.csv`)
          .sort(),
      );
    });
  }

  test('the fixture has issues and history on both sides of the boundary, so fromDate is exercised', () => {
    const options = { baseUrl: BASE_URL, timezone: 'UTC', schemaVersion: 2 as const };
    const everything = expectedJiraFiles(fixture, { ...options, fromMs: 0 });
    const boundary = expectedJiraFiles(fixture, { ...options, fromMs: wallClockToEpochMs(JIRA_BOUNDARY, 'UTC') });
    assert.ok(boundary.issues!.length < everything.issues!.length - 10, 'issues updated before the boundary');
    assert.ok(boundary.issue_history!.length < everything.issue_history!.length - 10, 'history created before the boundary');
    assert.ok(boundary.issue_fields!.length < everything.issue_fields!.length);
    assert.ok(boundary.issue_links!.length < everything.issue_links!.length);
  });
});
