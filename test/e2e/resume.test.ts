// POST /export?resume=true on the real server (SPEC section 4): an export interrupted by SIGTERM, by DELETE,
// by a kill -9, or left with a .partial file that lost bytes its checkpoint claims, is resumed, and its files
// are byte for byte those of an uninterrupted export of the same database. With nothing to resume the POST is
// a 400 invalid.resume; of two nodes resuming at once, or one resuming while another starts a new export,
// exactly one starts a job. Repeated kill -9 at random moments are test/faults/resume-crashes.test.ts's.
import assert from 'node:assert/strict';
import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { exportRoot, listDir } from '../helpers/e2e-site.ts';
import { assertKeptForResume } from '../helpers/export-check.ts';
import { waitFor, waitForJobEnd } from '../helpers/http.ts';
import {
  assertCarriesOn,
  assertSameExport,
  createResumeSite,
  readJournal,
  referenceExport,
  resume,
  waitForCheckpoint,
  CHECKPOINT_SHARE,
  type ResumeSite,
  type SiteKind,
} from '../helpers/resume-check.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// Confluence at 20 times the fixture's bulk rows (about 2,600 pages, 2,600 comments, 3,200 events), Jira at 5
// (about 900 issues, 4,000 fields and 4,000 changes): at CHECKPOINT_SHARE an export takes seconds, in many chunks.
const SCALES: Record<SiteKind, number> = { 'mariadb-confluence': 20, 'postgres-confluence': 20, 'mariadb-jira': 5, 'postgres-jira': 5 };
const FAST = { SLUICE_IMPACT_BUDGET: '1' };

interface Setup {
  site: ResumeSite;
  reference: Awaited<ReturnType<typeof referenceExport>>;
}

const setups = new Map<SiteKind, Setup>();

async function setup(kind: SiteKind): Promise<Setup> {
  let found = setups.get(kind);
  if (!found) {
    const site = await createResumeSite(kind, SCALES[kind]);
    found = { site, reference: await referenceExport(site) };
    setups.set(kind, found);
  }
  return found;
}

after(async () => {
  await stopAllServers();
  for (const { site } of setups.values()) await site.drop();
});

/** A slow server on a fresh home (or `home`), running job 1, with a checkpoint part-way through an entity saved. */
async function interruptible({ site }: Setup, home?: string, nodeId = 'resume-node'): Promise<RunningServer> {
  const server = await startServer({ home, env: { ...site.env, NODE_ID: nodeId, SLUICE_FIXED_SHARE: CHECKPOINT_SHARE } });
  const started = await server.api(site.exportPath, { method: 'POST' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  await waitForCheckpoint(server.home, started.body.jobId);
  return server;
}

/** Resumes job `from` on `server` and waits for the resumed job to end; asserts its files are the reference's, and job `from`'s directory gone. */
async function resumeToTheEnd(server: RunningServer, setup: Setup, from: number): Promise<any> {
  await assertCarriesOn(server.home, from);
  const jobId = await resume(server, from);
  const job = await waitForJobEnd(server.api, jobId, 180_000);
  assert.equal(job.config.resumedFrom, from);
  await assertSameExport(server.home, job, setup.reference);
  assert.deepEqual(await listDir(join(exportRoot(server.home), String(from))), [], `job ${from}'s directory is gone`);
  return job;
}

for (const kind of ['mariadb-confluence', 'postgres-jira'] as const) {
  describe(`${kind}: SIGTERM, then a restarted server resumes`, { timeout: 400_000 }, () => {
    test('the job is CANCELLED with its files kept, and the resumed export equals an uninterrupted one byte for byte', async () => {
      const s = await setup(kind);
      const first = await interruptible(s);
      assert.equal(await first.stop('SIGTERM'), 0);
      const journal = await readJournal(first.home, 1);
      assert.deepEqual([journal.status, journal.cancelledBy], ['CANCELLED', 'shutdown']);
      const restarted = await startServer({ home: first.home, env: { ...s.site.env, ...FAST } });
      assert.ok((await assertKeptForResume(restarted.api, first.home, 1)).length > 0);
      await resumeToTheEnd(restarted, s, 1);
      await restarted.stop();
    });
  });

  describe(`${kind}: DELETE, then resume`, { timeout: 400_000 }, () => {
    test('the job is CANCELLED with its files kept, and the resumed export equals an uninterrupted one byte for byte', async () => {
      const s = await setup(kind);
      const first = await interruptible(s);
      assert.equal((await first.api('/export', { method: 'DELETE' })).status, 200);
      assert.equal((await waitForJobEnd(first.api, 1)).status, 'CANCELLED');
      assert.ok((await assertKeptForResume(first.api, first.home, 1)).length > 0);
      // Resumed on a fast server, so the rest takes moments.
      await first.stop();
      const fast = await startServer({ home: first.home, env: { ...s.site.env, ...FAST } });
      await resumeToTheEnd(fast, s, 1);
      await fast.stop();
    });
  });
}

describe('kill -9, then a restarted server resumes', { timeout: 400_000 }, () => {
  test('without resume a POST still gets 409; with it the crashed job is recorded CANCELLED in the same call and carried on, byte for byte', async () => {
    const s = await setup('mariadb-confluence');
    const first = await interruptible(s);
    assert.equal(await first.kill9(), 137);
    const restarted = await startServer({ home: first.home, env: { ...s.site.env, ...FAST, NODE_ID: 'resume-node' } });
    const refused = await restarted.api(s.site.exportPath, { method: 'POST' });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal((await restarted.api('/export')).body.status, 'STARTED');
    const job = await resumeToTheEnd(restarted, s, 1);
    const crashed = (await restarted.api('/history?offset=0&limit=10')).body.values.find((j: any) => j.jobId === 1);
    assert.equal(crashed.status, 'CANCELLED');
    assert.equal(job.jobId, 2);
    await restarted.stop();
  });
});

describe('a .partial file shorter than its checkpoint (a power loss the journal did not see)', { timeout: 400_000 }, () => {
  test('restarts that entity from its beginning, and the result is still exact', async () => {
    const s = await setup('mariadb-confluence');
    const first = await interruptible(s);
    assert.equal((await first.api('/export', { method: 'DELETE' })).status, 200);
    assert.equal((await waitForJobEnd(first.api, 1)).status, 'CANCELLED');
    await first.stop();
    const journal = await readJournal(first.home, 1);
    const [entity, checkpoint] = Object.entries(journal.checkpoints).find(([, c]: [string, any]) => !c.done && c.rows > 0) as [string, any];
    const partial = join(exportRoot(first.home), '1', `${entity}_job1_${journal.fileStamp}.csv.partial`);
    await truncate(partial, checkpoint.bytes - 1);
    const fast = await startServer({ home: first.home, env: { ...s.site.env, ...FAST } });
    const jobId = await resume(fast, 1);
    // Once job 2 has taken the files over, its record no longer carries the entity's checkpoint: it starts over.
    const adopted = await waitFor(
      async () => {
        const record = await readJournal(fast.home, jobId).catch(() => null);
        return record && record.carriedFrom === undefined && record.status !== undefined ? record : undefined;
      },
      { what: 'job 2 to take the files over', intervalMs: 20 },
    );
    assert.ok(!adopted.checkpoints[entity] || adopted.checkpoints[entity].rows < checkpoint.rows, JSON.stringify(adopted.checkpoints));
    const job = await waitForJobEnd(fast.api, jobId, 180_000);
    await assertSameExport(fast.home, job, s.reference);
    await fast.stop();
  });
});

describe('resume=true with nothing to resume', { timeout: 200_000 }, () => {
  test('is a 400 invalid.resume naming the reason, before any export and after a COMPLETED one', async () => {
    const s = await setup('mariadb-confluence');
    const server = await startServer({ env: { ...s.site.env, ...FAST } });
    const none = await server.api('/export?resume=true', { method: 'POST' });
    assert.equal(none.status, 400, JSON.stringify(none.body));
    assert.deepEqual(none.body, { errors: [{ key: 'invalid.resume', message: 'Cannot resume: no export has run yet' }] });
    const started = await server.api(s.site.exportPath, { method: 'POST' });
    assert.equal((await waitForJobEnd(server.api, started.body.jobId)).status, 'COMPLETED');
    const completed = await server.api('/export?resume=true', { method: 'POST' });
    assert.equal(completed.status, 400, JSON.stringify(completed.body));
    assert.equal(completed.body.errors[0].key, 'invalid.resume');
    assert.match(completed.body.errors[0].message, /job 1, completed/);
    assert.equal((await server.api('/export')).body.jobId, 1, 'nothing started');
    await server.stop();
  });
});

describe('two nodes on one shared home', { timeout: 400_000 }, () => {
  test('resuming at once, or one resuming while the other starts a new export, start exactly one job', async () => {
    const s = await setup('mariadb-confluence');
    const home = await createTempHome();
    const a = await interruptible(s, home, 'node-a');
    const b = await startServer({ home, env: { ...s.site.env, NODE_ID: 'node-b', SLUICE_FIXED_SHARE: CHECKPOINT_SHARE } });
    let last = 1;
    for (const [what, other] of [
      ['both resume', '/export?resume=true'],
      ['b starts a new export', s.site.exportPath],
    ] as const) {
      assert.equal((await a.api('/export', { method: 'DELETE' })).status, 200);
      assert.equal((await waitForJobEnd(a.api, last)).status, 'CANCELLED');
      const answers = await Promise.all([a.api('/export?resume=true', { method: 'POST' }), b.api(other, { method: 'POST' })]);
      const statuses = answers.map((answer) => answer.status).sort();
      assert.deepEqual(statuses, [202, 409], `${what}: ${JSON.stringify(answers.map((x) => x.body))}`);
      const winner = answers.find((answer) => answer.status === 202)!.body;
      assert.equal(winner.jobId, last + 1, what);
      assert.equal(answers.find((answer) => answer.status === 409)!.body.jobId, last + 1, `${what}: the 409 names the job that started`);
      last = winner.jobId;
      await waitForCheckpoint(home, last).catch((error) => {
        throw new Error(`${error.message}\nnode a:\n${a.output()}\nnode b:\n${b.output()}`);
      });
    }
    // The last job ends as the reference.
    await a.stop();
    await b.stop();
    const fast = await startServer({ home, env: { ...s.site.env, ...FAST } });
    assert.equal((await fast.api('/export')).body.status, 'CANCELLED', 'the last job was cancelled by the shutdown');
    await resumeToTheEnd(fast, s, last);
    await fast.stop();
  });
});
