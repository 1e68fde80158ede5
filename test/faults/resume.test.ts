// Resuming after faults (SPEC section 4): one export killed with kill -9 three to five times at random moments
// (while it reads, writes, renames files and saves the journal, and while a resumed job takes the files over),
// resumed after each restart, ends with files byte for byte those of an uninterrupted export, on MariaDB and
// PostgreSQL, for Confluence and Jira. So does an export FAILED by a database outage past the retries, and
// one that SLUICE_AUTO_RESUME takes up on another node once the crashed node's heartbeat is stale.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { assertKeptForResume } from '../helpers/export-check.ts';
import { createTcpProxy, type TcpProxy } from '../helpers/faults.ts';
import { waitForJobEnd } from '../helpers/http.ts';
import {
  assertCarriesOn,
  assertSameExport,
  createResumeSite,
  referenceExport,
  resume,
  waitForCheckpoint,
  waitForRows,
  type ResumeSite,
  type SiteKind,
} from '../helpers/resume-check.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// Confluence at 20 times the fixture's bulk rows, Jira at 10: at the share below an export takes some 15 s,
// in many chunks, so most kills land part-way through an entity.
const SCALES: Record<SiteKind, number> = { 'mariadb-confluence': 20, 'postgres-confluence': 20, 'mariadb-jira': 10, 'postgres-jira': 10 };
// Slow enough that 3–5 kills land before the export ends even with warm threads (0.05 once let it finish after one).
const SLOW_SHARE = '0.02';
const KILLS_AT_LEAST = 3;
const KILLS_AT_MOST = 5;
// The retry budget (eight tries, waits doubling from 250 ms to 15 s) plus connection attempts and polling.
const GIVE_UP_BOUND_MS = 180_000;
// The kernel's HEARTBEAT_STALE_MS (30 s), an auto-resume check (every 5 s) and a margin for a loaded machine.
const STALE_BOUND_MS = 120_000;

after(() => stopAllServers());

type Moment = 'at a random moment once rows are written' | 'once a checkpoint is saved' | 'right after the resume, while the files are taken over';

/** Waits for the moment, then a random while within it; answers what it waited. */
async function waitForMoment(server: RunningServer, jobId: number, moment: Moment): Promise<number> {
  let spread = 400;
  if (moment === 'at a random moment once rows are written') {
    await waitForRows(server.api, jobId);
    spread = 2500;
  } else if (moment === 'once a checkpoint is saved') {
    // A job with little left may complete first: the kill then comes after its end.
    await waitForCheckpoint(server.home, jobId, { orEnd: true });
    spread = 1000;
  }
  const delay = Math.floor(Math.random() * spread);
  await new Promise((resolve) => setTimeout(resolve, delay));
  return delay;
}

const MOMENTS: Moment[] = ['at a random moment once rows are written', 'once a checkpoint is saved', 'right after the resume, while the files are taken over'];

async function killAndResume(t: TestContext, site: ResumeSite): Promise<{ home: string; server: RunningServer; jobId: number; kills: number }> {
  const home = await createTempHome();
  const slow = { ...site.env, NODE_ID: 'crashing-node', SLUICE_FIXED_SHARE: SLOW_SHARE };
  let server = await startServer({ home, env: slow });
  const started = await server.api(site.exportPath, { method: 'POST' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  let jobId: number = started.body.jobId;
  const kills = KILLS_AT_LEAST + Math.floor(Math.random() * (KILLS_AT_MOST - KILLS_AT_LEAST + 1));
  for (let kill = 1; kill <= kills; kill++) {
    // The first job has no files to take over: it is killed once it writes.
    const moment = MOMENTS[kill === 1 ? 0 : (kill - 1) % MOMENTS.length];
    const delay = await waitForMoment(server, jobId, moment);
    t.diagnostic(`kill ${kill} of ${kills}, job ${jobId}: ${moment}, ${delay} ms in`);
    assert.equal(await server.kill9(), 137);
    // The last restart runs at full speed, so the rest takes moments.
    server = await startServer({ home, env: kill === kills ? { ...site.env, NODE_ID: 'crashing-node', SLUICE_IMPACT_BUDGET: '1' } : slow });
    const latest = (await server.api('/export')).body;
    if (latest.status === 'COMPLETED') {
      t.diagnostic(`job ${jobId} completed before kill ${kill}`);
      return { home, server, jobId, kills: kill - 1 };
    }
    assert.equal(latest.status, 'STARTED', JSON.stringify(latest));
    // A checkpoint the journal saved survives the kill: its bytes are in the file.
    if (moment === 'once a checkpoint is saved') await assertCarriesOn(home, jobId);
    jobId = await resume(server, jobId);
  }
  return { home, server, jobId, kills };
}

for (const kind of ['mariadb-confluence', 'postgres-confluence', 'mariadb-jira', 'postgres-jira'] as const) {
  describe(`${kind}: kill -9 at random moments, resumed after each restart`, { timeout: 600_000 }, () => {
    let site: ResumeSite | undefined;
    let reference: Awaited<ReturnType<typeof referenceExport>>;

    before(async () => {
      site = await createResumeSite(kind, SCALES[kind]);
      reference = await referenceExport(site);
    });
    after(() => site?.drop());

    test(`${KILLS_AT_LEAST} to ${KILLS_AT_MOST} kills: every file is byte for byte the uninterrupted export's, each row counted once`, async (t) => {
      const { home, server, jobId, kills } = await killAndResume(t, site!);
      assert.ok(kills >= KILLS_AT_LEAST, `only ${kills} kills landed before the export completed`);
      const job = await waitForJobEnd(server.api, jobId, 180_000);
      await assertSameExport(home, job, reference);
      assert.equal(job.config.resumedFrom, jobId - 1);
      await server.stop();
    });
  });
}

describe('a database outage past the retries, then resume', { timeout: 600_000 }, () => {
  let site: ResumeSite | undefined;
  let reference: Awaited<ReturnType<typeof referenceExport>>;
  let proxy: TcpProxy;

  before(async () => {
    site = await createResumeSite('mariadb-confluence', SCALES['mariadb-confluence']);
    reference = await referenceExport(site);
    proxy = await createTcpProxy();
  });
  after(async () => {
    await proxy?.close();
    await site?.drop();
  });

  test('the job is FAILED with its files kept, and once the database is back the resumed export equals an uninterrupted one', async () => {
    const viaProxy = { ...site!.env, DATABASE_URL: site!.env.DATABASE_URL.replace(':3306/', `:${proxy.port}/`) };
    const home = await createTempHome();
    const server = await startServer({ home, env: { ...viaProxy, SLUICE_FIXED_SHARE: SLOW_SHARE } });
    const started = await server.api(site!.exportPath, { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await waitForCheckpoint(home, 1);
    await proxy.setMode('refuse');
    let failed: any;
    try {
      failed = await waitForJobEnd(server.api, 1, GIVE_UP_BOUND_MS);
    } finally {
      await proxy.setMode('pass');
    }
    assert.equal(failed.status, 'FAILED', JSON.stringify(failed));
    assert.ok((await assertKeptForResume(server.api, home, 1)).length > 0);
    await assertCarriesOn(home, 1);
    await server.stop();
    const fast = await startServer({ home, env: { ...viaProxy, SLUICE_IMPACT_BUDGET: '1' } });
    const jobId = await resume(fast, 1);
    const job = await waitForJobEnd(fast.api, jobId, 180_000);
    await assertSameExport(home, job, reference);
    await fast.stop();
  });
});

describe('SLUICE_AUTO_RESUME on other nodes: the crashed node never comes back', { timeout: 600_000 }, () => {
  let site: ResumeSite | undefined;
  let reference: Awaited<ReturnType<typeof referenceExport>>;

  before(async () => {
    site = await createResumeSite('postgres-confluence', SCALES['postgres-confluence']);
    reference = await referenceExport(site);
  });
  after(() => site?.drop());

  test('once its heartbeat is stale exactly one of them resumes the job, with no request, and the result is exact', async (t) => {
    const home = await createTempHome();
    const crashing = await startServer({ home, env: { ...site!.env, NODE_ID: 'node-a', SLUICE_FIXED_SHARE: SLOW_SHARE } });
    const watchers = await Promise.all(
      ['node-b', 'node-c'].map((nodeId) =>
        startServer({ home, env: { ...site!.env, NODE_ID: nodeId, SLUICE_IMPACT_BUDGET: '1', SLUICE_AUTO_RESUME: 'true' } }),
      ),
    );
    const started = await crashing.api(site!.exportPath, { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await waitForCheckpoint(home, 1);
    assert.equal(await crashing.kill9(), 137);
    const killedAt = Date.now();
    const job = await waitForJobEnd(watchers[0].api, 2, STALE_BOUND_MS + 180_000);
    t.diagnostic(`job 2 ended ${Date.now() - killedAt} ms after the kill`);
    assert.equal(job.config.resumedFrom, 1);
    assert.ok(['node-b', 'node-c'].includes(job.nodeId), job.nodeId);
    await assertSameExport(home, job, reference);
    assert.equal((await watchers[1].api('/history?offset=0&limit=10')).body.size, 2, 'one job carried job 1 on, and no other started');
    const resumers = watchers.filter((watcher) => /Resumed the interrupted export of job 1 as job 2/.test(watcher.output()));
    assert.equal(resumers.length, 1);
    await Promise.all(watchers.map((watcher) => watcher.stop()));
  });
});
