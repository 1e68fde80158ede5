// The planted Jira cases, one by one, with the values SPEC section 10 asks for written out by hand: a check
// on the exporter and on the computed expectations alike.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateJiraFixture, PLANTED } from '../fixtures/jira-fixture.ts';
import type { JiraEntity } from '../helpers/expected-jira.ts';
import { batchesOfFixture, createJiraTestDatabase, exportJira, loadJiraBatches } from '../helpers/jira-db.ts';
import type { MysqlTestDatabase } from '../helpers/test-db.ts';

const B = 'https://jira.example.com';
const FROM_UTC = Date.UTC(2024, 2, 1, 9, 0, 0); // the fixture's boundary, 2024-03-01 09:00 in UTC
const FROM_BERLIN = Date.UTC(2024, 2, 1, 8, 0, 0); // the same wall-clock time in Europe/Berlin (+01:00)
const { issues: I, userIds: U } = PLANTED;

type Files = Record<JiraEntity, string[][]>;

/** A file's rows as objects keyed by column name. */
function records(files: Files, entity: JiraEntity): Record<string, string>[] {
  const [header, ...rows] = files[entity];
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}

const only = <T>(list: T[], what: string): T => {
  assert.equal(list.length, 1, `exactly one ${what}`);
  return list[0];
};

describe('Jira planted cases', () => {
  let db: MysqlTestDatabase;
  let work: string;
  let v2: Files, v1: Files, optOut: Files;

  before(async () => {
    db = await createJiraTestDatabase();
    await loadJiraBatches(db.pool, batchesOfFixture(generateJiraFixture({ seed: 3 })));
    work = await mkdtemp(join(tmpdir(), 'sluice-jira-planted-'));
    v2 = await exportJira(db.url, await mkdtemp(join(work, 'v2-')), { baseUrl: B, fromMs: FROM_UTC, timezone: 'UTC', schemaVersion: 2 });
    v1 = await exportJira(db.url, await mkdtemp(join(work, 'v1-')), { baseUrl: B, fromMs: FROM_BERLIN, timezone: 'Europe/Berlin', schemaVersion: 1 });
    optOut = await exportJira(db.url, await mkdtemp(join(work, 'opt-')), {
      baseUrl: B,
      fromMs: FROM_UTC,
      timezone: 'UTC',
      schemaVersion: 2,
      optedOut: ['OPT'],
    });
  });
  after(async () => {
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const issue = (files: Files, id: string) =>
    only(
      records(files, 'issues').filter((r) => r.id === id),
      `issue ${id}`,
    );

  test('an issue row carries its key, project, category, people, status, numbers and UTC dates', () => {
    assert.deepEqual(issue(v2, I.full), {
      id: '10000',
      instance_url: B,
      url: `${B}/browse/ALPHA-1`,
      key: 'ALPHA-1',
      project_key: 'ALPHA',
      project_name: 'Alpha, "the" first',
      project_type: 'Software',
      project_category: 'Engineering',
      issue_type: 'Story',
      summary: 'Issue 10000',
      description: `${'d'.repeat(1999)}\u{1F600}`,
      creator_id: '10100',
      reporter_id: '10100',
      assignee_id: '10101',
      status: 'Open',
      status_category: 'To Do',
      priority_sequence: '2',
      priority_name: 'High',
      resolution: '',
      watchers: '5',
      votes: '3',
      created_date: '2023-09-12T08:15:00Z',
      resolution_date: '',
      updated_date: '2024-03-01T09:00:00Z',
      due_date: '2024-12-24T00:00:00Z',
      original_estimate: '28800',
      remaining_estimate: '14400',
      time_spent: '14400',
      security_level: 'Internal',
    });
  });

  test('schema v1 adds display names after each user id and converts dates from the site zone', () => {
    const row = issue(v1, I.full);
    assert.deepEqual(
      [row.creator_id, row.creator_name, row.reporter_name, row.assignee_id, row.assignee_name],
      ['10100', 'Alice Anders', 'Alice Anders', '10101', 'Bob "The Builder", Jr.'],
    );
    assert.equal(row.updated_date, '2024-03-01T08:00:00Z');
    assert.equal(row.due_date, '2024-12-23T23:00:00Z');
    assert.equal(issue(v1, I.trickyText).reporter_name, 'Caroline\\nCarter', 'a renamed user keeps its id and shows its new name');
    const delta = issue(v1, I.renamedProject);
    assert.deepEqual(
      [delta.reporter_id, delta.reporter_name, delta.assignee_id, delta.assignee_name],
      ['10103', '', '10104', ''],
      'a user without an account in an active directory has an id but no name',
    );
    assert.ok(!('users' in v1), 'schema v1 has no users file');
  });

  test('project types, categories and keys come from the project as it is now', () => {
    const types = [I.full, I.trickyText, I.archived, I.renamedProject].map((id) => [issue(v2, id).project_type, issue(v2, id).project_category]);
    assert.deepEqual(types, [
      ['Software', 'Engineering'],
      ['Business', ''],
      ['Service Desk', 'Support, "Tier 1"'],
      ['', ''],
    ]);
    assert.equal(issue(v2, I.renamedProject).key, 'DELTA-12', 'not the stale jiraissue.pkey OLDD-12');
    const dangling = issue(v2, I.danglingProject);
    assert.deepEqual([dangling.key, dangling.url, dangling.project_key, dangling.status, dangling.priority_sequence], ['', '', '', '', '']);
  });

  test('user ids are found by the exact user key; unknown and wrong-case keys give empty ids', () => {
    const row = issue(v2, I.trickyText);
    assert.deepEqual([row.creator_id, row.reporter_id, row.assignee_id], ['', U.carol, '']);
    assert.equal(issue(v2, I.archived).assignee_id, '10106', 'the key "Bob" is its own user');
    assert.equal(issue(v2, I.nullSummary).assignee_id, U.bigId, 'ids above 2^53 are exact');
  });

  test('status categories cover No Category, To Do, In Progress and Done; unknown ones are empty', () => {
    assert.equal(issue(v2, I.trickyText).status_category, 'No Category');
    assert.equal(issue(v2, I.full).status_category, 'To Do');
    assert.equal(issue(v2, I.subtask).status_category, 'Done');
    assert.equal(issue(v2, I.archived).status_category, '');
    assert.equal(issue(v2, I.optedOut).status_category, '');
    const inProgress = records(v2, 'issues').filter((r) => r.status === 'In Progress');
    assert.ok(inProgress.length > 0 && inProgress.every((r) => r.status_category === 'In Progress'));
  });

  test('descriptions are cut to 2000 code points before line breaks are escaped, and never decoded', () => {
    assert.equal(issue(v2, I.cutAtLineBreak).description, `${'c'.repeat(1999)}\\n`);
    assert.equal(issue(v2, I.exactLimit).description, '\u{1F680}'.repeat(500) + 'e'.repeat(1500));
    assert.equal(issue(v2, I.subtask).description, 'not decoded &amp; &lt;b&gt; &#8217;');
    assert.equal(issue(v2, I.trickyText).summary, '  comma, "quotes", CR\\nLF\\nCRLF\\n tab\t \u{1F389} \u2028 &amp; ');
  });

  test('fromDate keeps issues updated at the boundary and drops those before it or without a date', () => {
    const ids = new Set(records(v2, 'issues').map((r) => r.id));
    assert.ok(ids.has(I.full) && ids.has(I.bigRecent) && ids.has(I.archived));
    assert.ok(!ids.has(I.collidesWithBeta) && !ids.has(I.nullUpdated) && !ids.has(I.bigOld));
  });

  test('issue_fields resolve options, users, sprints, cascades, labels and versions, sorted by field id', () => {
    const fields = records(v2, 'issue_fields')
      .filter((r) => r.issue_id === I.full)
      .map((r) => [r.field_id, r.field_name, r.field_value]);
    assert.deepEqual(fields, [
      ['components', 'Component/s', '["Backend","Frontend, \\"web\\""]'],
      ['customfield_10000', 'Severity', 'Critical'],
      ['customfield_10001', 'Platforms', '["Android","Zeta","iOS","web","\u00DCnicode","\uFF01 fullwidth","\u{1F600} emoji"]'],
      ['customfield_10003', 'Region', '["Europe","Berlin"]'],
      ['customfield_10004', 'Reviewer', U.carol],
      ['customfield_10005', 'Watchers, list', `["${U.alice}","${U.bob}","${U.bigId}"]`],
      ['customfield_10006', 'Story Points', '3'],
      ['customfield_10007', 'Sprint', '["Sprint 10","Sprint 9, \\"final\\""]'],
      ['customfield_10008', 'Release date', '2024-06-30T00:00:00Z'],
      ['customfield_10009', 'Notes\\nmultiline name', `long notes, "quoted"\\n${'n'.repeat(2500)}\\nend \u{1F389}`],
      ['customfield_10010', 'Team labels', '["Alpha","beta"]'],
      ['customfield_10012', 'Legacy text', '["a","b"]'],
      ['environment', 'Environment', 'Linux\\nJava 17, "Temurin"'],
      ['fixVersions', 'Fix Version/s', '["1.0","2.0 \\"beta\\""]'],
      ['labels', 'Labels', '["Alpha","alpha","zeta","\u00E4pfel","\uFF01","\u{1F600}"]'],
      ['versions', 'Affects Version/s', '["0.9"]'],
    ]);
  });

  test('single values stay plain, set-valued fields are arrays even with one value, numbers lose trailing zeros', () => {
    const of = (issueId: string) =>
      Object.fromEntries(
        records(v2, 'issue_fields')
          .filter((r) => r.issue_id === issueId)
          .map((r) => [r.field_id, r.field_value]),
      );
    assert.deepEqual(of(I.subtask), {
      customfield_10001: '["iOS"]',
      customfield_10003: '["Asia"]',
      customfield_10005: `["${U.bob}"]`,
      customfield_10006: '0.5',
      customfield_10007: '["Sprint 10"]',
      customfield_10008: '2024-01-15T12:00:00Z',
      fixVersions: '["0.9"]',
      labels: '["solo"]',
    });
    assert.deepEqual(of(I.trickyText), {
      customfield_10002: '["Docs, reviewed"]',
      customfield_10004: U.alice,
      customfield_10006: '123456789012.345678',
      customfield_10010: '["team-only"]',
      customfield_10011: 'https://example.com/a,b?x="y"',
      customfield_10013: 'ACME, Inc.',
    });
    assert.equal(of(I.archived).customfield_10006, '-2.25');
    assert.equal(of(I.archived).customfield_10000, 'Minor (retired)', 'a disabled option still resolves');
    assert.equal(of(I.renamedProject).customfield_10006, '0');
    assert.equal(of(I.nullSummary).customfield_10006, '0.000001');
    assert.equal(of(I.collidesWithBeta).customfield_10000, undefined, 'an issue updated before fromDate has no fields');
  });

  test('history rows are chosen by change date alone, keep raw author keys and cut long values', () => {
    const rows = records(v2, 'issue_history');
    const groups = new Set(rows.map((r) => r.changelog_id));
    assert.ok(groups.has('10001'), 'the change on an issue not exported itself is still history after fromDate');
    assert.ok(!groups.has('10002') && !groups.has('10006') && !groups.has('10008'), 'changes before fromDate or without a date');
    assert.ok(!rows.some((r) => r.to_string === 'orphan'), 'a change item without its group has no date');
    const description = only(
      rows.filter((r) => r.changelog_id === '10000' && r.field === 'description'),
      'description change',
    );
    assert.equal(description.from_string, `${'h'.repeat(1999)}\u{1F600}`);
    assert.equal(description.to_string, `${'h'.repeat(1999)}\\n`);
    const deleted = only(
      rows.filter((r) => r.changelog_id === '10004'),
      'change by a deleted user',
    );
    assert.deepEqual([deleted.issue_id, deleted.author_id, deleted.author_key, deleted.created_date], ['77777', '', 'JIRAUSER10999', '2024-07-15T14:30:00Z']);
    const wrongCase = only(
      rows.filter((r) => r.changelog_id === '10007'),
      'change by a wrong-case key',
    );
    assert.deepEqual([wrongCase.author_id, wrongCase.author_key], ['', 'BOB']);
  });

  test('links need an exported end, leave out sub-task links and keep dangling types and issues', () => {
    const planted = records(v2, 'issue_links')
      .filter((r) => Number(r.link_id) < 4000)
      .map((r) => Object.values(r));
    assert.deepEqual(planted, [
      ['3000', 'Blocks', I.full, I.collidesWithBeta, 'blocks', 'is blocked by'],
      ['3001', 'Duplicate', I.collidesWithBeta, I.trickyText, 'duplicates', 'is duplicated by'],
      ['3004', 'Blocks', I.optedOut, I.full, 'blocks', 'is blocked by'],
      ['3005', 'Relates, "loosely"', I.full, '66666', 'relates to', 'relates to'],
      ['3006', '', I.subtask, I.full, '', ''],
      ['3007', 'Relates, "loosely"', I.bigRecent, I.bigOld, 'relates to', 'relates to'],
      ['3008', '', I.trickyText, I.collidesWithBeta, '', ''],
    ]);
  });

  test('an opted-out project drops its issues, their fields, history and every link touching them', () => {
    assert.ok(
      records(v2, 'issues').some((r) => r.project_key === 'OPT'),
      'the fixture has exported OPT issues',
    );
    assert.ok(!records(optOut, 'issues').some((r) => r.project_key === 'OPT'));
    const optIds = new Set(
      records(v2, 'issues')
        .filter((r) => r.project_key === 'OPT')
        .map((r) => r.id),
    );
    assert.ok(!records(optOut, 'issue_fields').some((r) => optIds.has(r.issue_id)));
    assert.ok(!records(optOut, 'issue_history').some((r) => r.issue_id === I.optedOut));
    assert.ok(!records(optOut, 'issue_links').some((r) => r.link_id === '3004'));
    assert.equal(records(optOut, 'users').length, records(v2, 'users').length, 'users are not filtered');
  });

  test('users come from the active directory with the lowest id; keys without such an account are left out', () => {
    const planted = records(v2, 'users')
      .filter((r) => !/^user\d+$/.test(r.user_name))
      .map((r) => Object.values(r));
    assert.deepEqual(planted, [
      [B, '10100', 'JIRAUSER10100', 'Alice', 'Alice Anders', 'alice@example.com'],
      [B, '10101', 'bob', 'bob', 'Bob "The Builder", Jr.', ''],
      [B, '10102', 'carol', 'caroline', 'Caroline\\nCarter', ''],
      [B, '10105', 'JIRAUSER10105', 'frank', '\u{1F600} Frank', 'frank@example.com'],
      [B, '10106', 'Bob', 'robert', '', 'robert@example.com'],
      [B, U.bigId, 'JIRAUSER99', 'grace', 'Grace Big-Id', 'grace@example.com'],
    ]);
  });
});
