// kill -9 at several points of an export: while the first files are written, while the first are being
// renamed, while the last entity writes, and just as the last file is renamed. Whatever the instant, a
// restarted server reports the job as it really is, a temporary or partial directory is never taken for
// a finished one, DELETE releases the lock (the files stay for a resume), and the next export discards
// them and is exact.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENTITIES, exportRoot, listDir } from '../helpers/e2e-site.ts';
import {
  assertExportMatches,
  assertKeptForResume,
  createCheckedSite,
  exportQuery,
  siteEnv,
  temporaryFiles,
  type CheckedSite,
} from '../helpers/export-check.ts';
import { waitForJobEnd } from '../helpers/http.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// 20 times the integration fixture's bulk rows (3,000 pages, 3,000 comments, 6,000 events): an export big enough to disturb midway.
const SCALE = 20;
// Paced at a fixed share so each phase (first files, some renamed, one left) lasts seconds: the poll below
// cannot miss it (half the share of the machine's cores the 0.1 budget of the old duty cycle gave).
const SLOW_SHARE = '0.05';
// Each phase lasts seconds: polling this often sees every one of them many times.
const POLL_MS = 20;

interface Files {
  finals: string[];
  partials: string[];
}

const POINTS: { name: string; reached(files: Files): boolean }[] = [
  { name: 'while the first files are being written', reached: (f) => f.partials.length >= 1 && f.finals.length === 0 },
  { name: 'while renaming: the first finished file is there, the others still .partial', reached: (f) => f.finals.length >= 1 && f.partials.length >= 1 },
  { name: 'while the last entity is writing', reached: (f) => f.finals.length === ENTITIES.length - 1 && f.partials.length === 1 },
  { name: 'just as the last file is renamed', reached: (f) => f.finals.length === ENTITIES.length },
];

let site: CheckedSite | undefined;
before(async () => {
  site = await createCheckedSite(SCALE);
});
after(async () => {
  await stopAllServers();
  await site?.db.drop();
});

async function filesOf(dir: string): Promise<Files> {
  const names = await listDir(dir);
  return { finals: names.filter((n) => n.endsWith('.csv')), partials: names.filter((n) => n.endsWith('.partial')) };
}

/** Starts job 1 and kills the server the moment the job directory reaches `point`; returns what it held. */
async function killAt(server: RunningServer, reached: (files: Files) => boolean): Promise<Files> {
  const started = await server.api(exportQuery(site!), { method: 'POST' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const dir = join(exportRoot(server.home), '1');
  const deadline = Date.now() + 240_000;
  while (!reached(await filesOf(dir))) {
    if (Date.now() > deadline) throw new Error(`The export never reached the point; the directory holds ${JSON.stringify(await filesOf(dir))}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  assert.equal(await server.kill9(), 137);
  return filesOf(dir);
}

for (const point of POINTS) {
  describe(`kill -9 ${point.name}`, { timeout: 400_000 }, () => {
    let home: string;
    let left: Files;
    let restarted: RunningServer;
    let crashed: any;

    before(async () => {
      home = await createTempHome();
      const env = { ...siteEnv(site!), NODE_ID: 'crash-node' };
      left = await killAt(await startServer({ home, env: { ...env, SLUICE_FIXED_SHARE: SLOW_SHARE } }), point.reached);
      restarted = await startServer({ home, env: { ...env, SLUICE_IMPACT_BUDGET: '1' } });
      crashed = (await restarted.api('/export')).body;
    });

    test('the restarted server reports the job as the crash left it: COMPLETED only if its final record was written', async () => {
      assert.equal(crashed.jobId, 1);
      if (crashed.status === 'COMPLETED') {
        // The crash came after the final record: the files must then be complete and exact.
        await assertExportMatches(home, crashed, site!);
        return;
      }
      assert.equal(crashed.status, 'STARTED', JSON.stringify(crashed));
      assert.equal(crashed.statistics, null);
      assert.equal(crashed.completedTime, null);
      // The owner's process is gone on this very node, so its heartbeat is stale at once.
      assert.equal(crashed.heartbeat?.stale, true, JSON.stringify(crashed.heartbeat));
    });

    test("a running job's files are never served as a finished export's", async (t) => {
      if (crashed.status === 'COMPLETED') return t.skip('the crash came after the job completed');
      assert.ok(left.finals.length < ENTITIES.length || left.partials.length === 0, JSON.stringify(left));
      for (const name of left.finals) {
        const { status } = await restarted.api(`/history/1/files/${encodeURIComponent(name)}`);
        assert.equal(status, 404, `${name} of the unfinished job 1 is not downloadable`);
      }
    });

    test('POST gets 409 with the crashed job until DELETE releases it; its files stay for a resume', async (t) => {
      if (crashed.status === 'COMPLETED') return t.skip('the crash came after the job completed');
      const refused = await restarted.api(exportQuery(site!), { method: 'POST' });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.jobId, 1);
      const cancel = await restarted.api('/export', { method: 'DELETE' });
      assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
      const { body } = await restarted.api('/export');
      assert.equal(body.status, 'CANCELLED', JSON.stringify(body));
      await assertKeptForResume(restarted.api, home, 1);
    });

    test("the next export discards the crashed job's files and COMPLETES with exactly the database's rows: it is all the export root holds", async () => {
      const started = await restarted.api(exportQuery(site!), { method: 'POST' });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      assert.equal(started.body.jobId, 2);
      const job = await waitForJobEnd(restarted.api, 2, 120_000);
      await assertExportMatches(home, job, site!);
      // A job 1 that completed before the crash is an export of its own, and stays.
      assert.deepEqual((await listDir(exportRoot(home))).sort(), crashed.status === 'COMPLETED' ? ['1', '2'] : ['2']);
      assert.deepEqual(await temporaryFiles(home), []);
    });
  });
}
