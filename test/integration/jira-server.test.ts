// The real server against a Jira database: it detects the product, offers schema versions 2 and 1, refuses
// others, and exports the Jira files through the kernel and the worker threads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateJiraFixture, JIRA_BOUNDARY, type JiraFixture } from '../fixtures/jira-fixture.ts';
import { listExports, readJobFile } from '../helpers/e2e-site.ts';
import { wallClockToEpochMs } from '../helpers/expected-jira-cells.ts';
import { expectedJiraFiles, type JiraEntity } from '../helpers/expected-jira.ts';
import { waitForJobEnd } from '../helpers/http.ts';
import { batchesOfFixture, createJiraTestDatabase, loadJiraBatches, parseCsv } from '../helpers/jira-db.ts';
import { startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';
import type { MysqlTestDatabase } from '../helpers/test-db.ts';

const BASE_URL = 'https://jira.example.com';
const FROM_DATE = `${JIRA_BOUNDARY.replace(' ', 'T')}Z`;
const V1_FILES: JiraEntity[] = ['issues', 'issue_fields', 'issue_history', 'issue_links'];

describe('the server on a Jira database', () => {
  let db: MysqlTestDatabase | undefined;
  let fixture: JiraFixture;
  let server: RunningServer;

  before(async () => {
    db = await createJiraTestDatabase();
    fixture = generateJiraFixture({ seed: 17 });
    await loadJiraBatches(db.pool, batchesOfFixture(fixture));
    server = await startServer({ env: { DATABASE_URL: db.url, SLUICE_IMPACT_BUDGET: '1', SOURCE_TIMEZONE: 'UTC', BASE_URL } });
  });
  after(async () => {
    await stopAllServers();
    await db?.drop();
  });

  test('it detects a Jira site from the jiraissue table', () => {
    assert.match(server.output(), /exporting the jira site/);
  });

  test('GET /config/schema lists version 2 as ACTIVE and 1 as DEPRECATED', async () => {
    const { status, body } = await server.api('/config/schema');
    assert.equal(status, 200);
    assert.deepEqual(body, [
      { version: 2, status: 'ACTIVE' },
      { version: 1, status: 'DEPRECATED' },
    ]);
  });

  test('POST /export?schemaVersion=3 is a 400 naming schemaVersion, and starts nothing', async () => {
    const { status, body } = await server.api('/export?schemaVersion=3', { method: 'POST' });
    assert.equal(status, 400);
    assert.equal(body.errors[0].key, 'invalid.schemaVersion');
    assert.deepEqual((await server.api('/export')).body, {});
  });

  async function runExport(query: string, jobId: number): Promise<{ job: any; names: Map<JiraEntity, string> }> {
    const started = await server.api(`/export?fromDate=${encodeURIComponent(FROM_DATE)}${query}`, { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.jobId, jobId);
    const job = await waitForJobEnd(server.api, jobId);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const names = new Map<JiraEntity, string>();
    for (const path of await listExports(server.home)) {
      const [dir, name] = path.split('/');
      const entity = /^(.+)_job\d+_\d{4}_\d{2}_\d{2}T\d{2}_\d{2}_\d{2}Z\.csv$/.exec(name)?.[1];
      if (dir === String(jobId) && entity) names.set(entity as JiraEntity, name);
    }
    return { job, names };
  }

  async function assertFiles(jobId: number, names: Map<JiraEntity, string>, schemaVersion: 1 | 2): Promise<void> {
    const expected = expectedJiraFiles(fixture, { baseUrl: BASE_URL, fromMs: wallClockToEpochMs(JIRA_BOUNDARY, 'UTC'), timezone: 'UTC', schemaVersion });
    for (const [entity, name] of names) {
      assert.deepEqual(parseCsv(await readJobFile(server.home, jobId, name)), expected[entity], `${entity} of job ${jobId}`);
    }
  }

  test('the default export writes the five schema v2 files, matching the fixture', async () => {
    const { job, names } = await runExport('', 1);
    assert.equal(job.config.schemaVersion, 2);
    assert.deepEqual([...names.keys()].sort(), [...V1_FILES, 'users'].sort());
    assert.deepEqual(Object.keys(job.statistics.entities).sort(), [...V1_FILES, 'users'].sort());
    await assertFiles(1, names, 2);
  });

  test('schemaVersion=1 writes the v1 files, with user names in issues and no users file', async () => {
    const { job, names } = await runExport('&schemaVersion=1', 2);
    assert.equal(job.config.schemaVersion, 1);
    assert.deepEqual([...names.keys()].sort(), [...V1_FILES].sort());
    await assertFiles(2, names, 1);
  });
});
