// MariaDB itself shut down and started again while an export runs: every entity loses its connection,
// reconnecting is refused until the server is back, and the retries carry each entity on from its last
// written key. MariaDB is left running whatever happens.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertExportMatches,
  createCheckedSite,
  exportQuery,
  siteEnv,
  temporaryFiles,
  waitForEntityMidway,
  type CheckedSite,
} from '../helpers/export-check.ts';
import { ensureMariaDbRunning, startMariaDb, stopMariaDb } from '../helpers/faults.ts';
import { waitForJobEnd } from '../helpers/http.ts';
import { startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// 20 times the integration fixture's bulk rows (3,000 pages, 3,000 comments, 6,000 events): an export big enough to disturb midway.
const SCALE = 20;
// Paced so the export outlasts a MariaDB restart by many seconds.
const SHARE = '0.015';

describe('a MariaDB restart mid-export', { timeout: 400_000 }, () => {
  let site: CheckedSite | undefined;
  let server: RunningServer;
  let job: any;
  let rowsBefore = 0;

  before(async () => {
    site = await createCheckedSite(SCALE);
    server = await startServer({ env: { ...siteEnv(site), SLUICE_FIXED_SHARE: SHARE } });
  });
  after(async () => {
    await stopAllServers();
    await ensureMariaDbRunning();
    await site?.db.drop();
  });

  test('the export goes on after the restart and COMPLETES', async () => {
    const started = await server.api(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    // Restart while an entity is part-way, so it must carry on from its last written key, not start over.
    const running = await waitForEntityMidway(server.api);
    rowsBefore = Object.values(running.progress as Record<string, { rows: number }>).reduce((sum, p) => sum + p.rows, 0);
    try {
      await stopMariaDb();
      const during = await server.api('/export');
      assert.equal(during.status, 200, 'GET /export answers while the database is down');
      assert.equal(during.body.status, 'STARTED');
    } finally {
      await startMariaDb();
    }
    job = await waitForJobEnd(server.api, started.body.jobId, 300_000);
    console.log(`MariaDB restarted after ${rowsBefore} rows were written; the job ended ${job.status}`);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
  });

  test("the files hold exactly the database's rows: none lost, none repeated", async () => {
    await assertExportMatches(server.home, job, site!);
  });

  test('no temporary file is left', async () => {
    assert.deepEqual(await temporaryFiles(server.home), []);
  });
});
