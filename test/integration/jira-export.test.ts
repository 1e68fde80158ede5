// The five Jira files exported from a real MariaDB holding the planted fixture, through the worker's export
// loop, parsed back and compared cell by cell with expectations computed from the fixture alone.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { openSource } from '../../adapters/sources/open-source.ts';
import { utcMsToLocal } from '../../core/dates.ts';
import type { EntityTask } from '../../core/task.ts';
import { runEntityExport } from '../../workers/run-export.ts';
import { generateJiraFixture, JIRA_BOUNDARY, type JiraFixture } from '../fixtures/jira-fixture.ts';
import { wallClockToEpochMs } from '../helpers/expected-jira-cells.ts';
import { expectedJiraFiles, type ExpectedJiraOptions, type JiraEntity } from '../helpers/expected-jira.ts';
import { batchesOfFixture, createJiraTestDatabase, loadJiraBatches } from '../helpers/jira-db.ts';
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
  { name: 'schema v1 in Europe/Berlin from the boundary, line breaks kept', timezone: 'Europe/Berlin', schemaVersion: 1, optedOut: [], escape: null, fromLocal: JIRA_BOUNDARY },
  { name: 'schema v2 with project OPT opted out and a custom escape', timezone: 'UTC', schemaVersion: 2, optedOut: ['OPT'], escape: '\u23CE', fromLocal: JIRA_BOUNDARY },
  { name: 'schema v2 from long before every row', timezone: 'UTC', schemaVersion: 2, optedOut: [], escape: '\\n', fromLocal: '2000-01-01 00:00:00' },
];

function entitiesOf(version: 1 | 2): JiraEntity[] {
  return version === 1 ? ['issues', 'issue_fields', 'issue_history', 'issue_links'] : ['issues', 'issue_fields', 'issue_history', 'issue_links', 'users'];
}

async function exportVariant(db: MysqlTestDatabase, variant: Variant, dir: string): Promise<{ fromMs: number }> {
  const fromMs = wallClockToEpochMs(variant.fromLocal, variant.timezone);
  for (const entity of entitiesOf(variant.schemaVersion)) {
    const task: EntityTask = {
      product: 'jira', entity, databaseUrl: db.url, dir, fileName: `${entity}.csv`, share: 1,
      lineBreak: { preserve: variant.escape === null, escape: variant.escape ?? '\\n' },
      ctx: { baseUrl: BASE_URL, fromMs, fromLocal: utcMsToLocal(fromMs, variant.timezone), timezone: variant.timezone,
        optedOut: variant.optedOut, schemaVersion: variant.schemaVersion },
    };
    const outcome = await runEntityExport(task, () => openSource(db.url), { isCancelled: () => false, pauseReason: () => null }, () => undefined);
    assert.ok(outcome.ok, `exporting ${entity} failed: ${JSON.stringify(outcome)}`);
  }
  return { fromMs };
}

function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: false, bom: false, record_delimiter: '\r\n' });
}

describe('Jira export on MariaDB', () => {
  let db: MysqlTestDatabase;
  let fixture: JiraFixture;
  let work: string;
  const exported = new Map<string, { dir: string; options: ExpectedJiraOptions }>();

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
      const { fromMs } = await exportVariant(db, variant, dir);
      const options: ExpectedJiraOptions = { baseUrl: BASE_URL, fromMs, timezone: variant.timezone, schemaVersion: variant.schemaVersion,
        optedOutProjectKeys: variant.optedOut, lineBreakEscape: variant.escape };
      exported.set(variant.name, { dir, options });
      const expected = expectedJiraFiles(fixture, options);
      for (const entity of entitiesOf(variant.schemaVersion)) {
        const parsed = parseCsv(await readFile(join(dir, `${entity}.csv`), 'utf8'));
        const want = expected[entity]!;
        assert.deepEqual(parsed[0], want[0], `${entity}: header`);
        for (let i = 1; i < Math.max(parsed.length, want.length); i++) assert.deepEqual(parsed[i], want[i], `${entity}: row ${i}`);
        assert.ok(parsed.length > 3, `${entity}: the fixture should yield data rows`);
      }
      assert.deepEqual((await readdir(dir)).sort(), entitiesOf(variant.schemaVersion).map((e) => `${e}.csv`).sort());
    });
  }

  test('the boundary export leaves out issues updated before fromDate and history created before it', () => {
    const atBoundary = exported.get(VARIANTS[0].name)!;
    const everything = expectedJiraFiles(fixture, { ...atBoundary.options, fromMs: 0 });
    const boundary = expectedJiraFiles(fixture, atBoundary.options);
    assert.ok(boundary.issues!.length < everything.issues!.length, 'some issues are older than the boundary');
    assert.ok(boundary.issue_history!.length < everything.issue_history!.length, 'some history is older than the boundary');
    assert.ok(boundary.issue_fields!.length < everything.issue_fields!.length);
  });
});
