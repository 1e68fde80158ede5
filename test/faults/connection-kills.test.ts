// The export's database connections killed from another session (KILL CONNECTION), again and again,
// while it runs: each chunk is read again from the last key written, so the files still hold exactly
// the database's rows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertExportMatches, createCheckedSite, exportQuery, siteEnv, temporaryFiles, type CheckedSite } from '../helpers/export-check.ts';
import { createDatabaseUser, ensureMariaDbRunning, killConnectionsOf, type DatabaseUser } from '../helpers/faults.ts';
import { waitFor, waitForJobEnd } from '../helpers/http.ts';
import { startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// Large enough, and paced enough, that the export runs for several seconds while connections die.
const SCALE = 20;
const SHARE = '0.025';
// Kills go on until the export ends (within this bound), a round every ROUND_GAP_MS: each entity's
// connection idles between chunks, so nearly every chunk finds its connection killed and reconnects.
const KILL_WINDOW_MS = 180_000;
const ROUND_GAP_MS = 100;
// More kills than an undisturbed export opens connections (the POST's check, the planner, five entities,
// the load monitor): the retries' new connections were killed too.
const MIN_KILLS = 9;

describe("KILL CONNECTION of the export's connections, repeatedly, mid-export", { timeout: 300_000 }, () => {
  let site: CheckedSite | undefined;
  let user: DatabaseUser | undefined;
  let server: RunningServer;
  let job: any;

  before(async () => {
    site = await createCheckedSite(SCALE);
    user = await createDatabaseUser(site.db.name);
    server = await startServer({ env: { ...siteEnv(site, user.url), SLUICE_FIXED_SHARE: SHARE } });
  });
  after(async () => {
    await stopAllServers();
    await ensureMariaDbRunning();
    await user?.drop();
    await site?.db.drop();
  });

  test('the job survives every round of kills and COMPLETES', async () => {
    const started = await server.api(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await waitFor(async () => ((await killConnectionsOf(user!.name)) > 0 ? true : undefined), { what: 'a connection of the export to kill' });
    let killed = 1;
    let rounds = 1;
    for (const end = Date.now() + KILL_WINDOW_MS; Date.now() < end; rounds++) {
      await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS));
      if ((await server.api('/export')).body.status !== 'STARTED') break;
      killed += await killConnectionsOf(user!.name);
    }
    job = await waitForJobEnd(server.api, started.body.jobId, 240_000);
    console.log(`killed ${killed} connections in ${rounds} rounds while the export ran; the job ended ${job.status}`);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    assert.ok(killed >= MIN_KILLS, `only ${killed} connections were killed before the export ended`);
  });

  test("the files hold exactly the database's rows: none lost, none repeated", async () => {
    await assertExportMatches(server.home, job, site!);
  });

  test('no temporary file is left', async () => {
    assert.deepEqual(await temporaryFiles(server.home), []);
  });
});
