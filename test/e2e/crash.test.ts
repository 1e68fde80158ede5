// A server killed during an export: kill -9 leaves the job STARTED until DELETE releases it; SIGTERM and
// SIGINT cancel it before the process exits. The interrupted job's files stay for a resume until the next
// export discards them (resuming is resume.test.ts's).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createE2eSite, ENTITIES, exportRoot, listDir, listExports, type E2eSite } from '../helpers/e2e-site.ts';
import { assertKeptForResume } from '../helpers/export-check.ts';
import { waitFor, waitForJobEnd } from '../helpers/http.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

const NODE_ID = 'crash-node';
// The smallest fixed share the configuration accepts keeps the export running while the test kills it (a
// budget alone would not: the governor exports an idle test site flat out).
const SLOW_SHARE = '0.001';

let site: E2eSite | undefined;
before(async () => {
  site = await createE2eSite();
});
after(async () => {
  await stopAllServers();
  await site?.db.drop();
});

const serverEnv = (pace: { SLUICE_FIXED_SHARE: string } | { SLUICE_IMPACT_BUDGET: string }) => ({ DATABASE_URL: site!.db.url, NODE_ID: NODE_ID, ...pace });

/** Starts job 1 on a paced server and waits until it is writing a temporary file. */
async function startSlowExport(home: string): Promise<RunningServer> {
  const server = await startServer({ home, env: serverEnv({ SLUICE_FIXED_SHARE: SLOW_SHARE }) });
  const started = await server.api(`/export?fromDate=${encodeURIComponent(site!.fromDate)}`, { method: 'POST' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.body.jobId, 1);
  await waitFor(async () => ((await listExports(home)).some((name) => name.endsWith('.partial')) ? true : undefined), {
    what: 'a .partial file in the export directory',
  });
  return server;
}

async function partialFiles(home: string): Promise<string[]> {
  return (await listExports(home)).filter((name) => name.includes('.partial'));
}

describe('kill -9 during an export', () => {
  let home: string;
  let restarted: RunningServer;

  before(async () => {
    home = await createTempHome();
    const first = await startSlowExport(home);
    assert.equal(await first.kill9(), 137);
    restarted = await startServer({ home, env: serverEnv({ SLUICE_IMPACT_BUDGET: '1' }) });
  });
  // Each scenario stops its servers when done, so a busy machine runs only one scenario's processes at a time.
  after(() => restarted?.stop());

  test('a restarted server on the same node still reports the job STARTED, its heartbeat stale', async () => {
    const { status, body } = await restarted.api('/export');
    assert.equal(status, 200);
    assert.equal(body.jobId, 1);
    assert.equal(body.status, 'STARTED', JSON.stringify(body));
    assert.equal(body.completedTime, null);
    if (body.heartbeat !== undefined) assert.equal(body.heartbeat.stale, true);
  });

  test('a new POST gets 409 with the crashed job', async () => {
    const { status, body } = await restarted.api('/export', { method: 'POST' });
    assert.equal(status, 409, JSON.stringify(body));
    assert.equal(body.jobId, 1);
    assert.equal(body.status, 'STARTED');
  });

  test('DELETE releases the crashed job at once: 200, then GET shows CANCELLED', async () => {
    const cancel = await restarted.api('/export', { method: 'DELETE' });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.equal(cancel.body.jobId, 1);
    const { body } = await restarted.api('/export');
    assert.equal(body.status, 'CANCELLED', JSON.stringify(body));
    assert.notEqual(body.cancelledTime, null);
  });

  test("the crashed job's files stay for a resume, none of them looking complete: not all five files, none served", async () => {
    const left = await assertKeptForResume(restarted.api, home, 1);
    assert.ok(left.length > 0, 'the crash left files');
    assert.ok(left.filter((name) => name.endsWith('.csv')).length < ENTITIES.length, `job 1 left ${left.join(', ')}`);
  });

  test('a new POST then starts job 2, which completes', async () => {
    const next = await restarted.api(`/export?fromDate=${encodeURIComponent(site!.fromDate)}`, { method: 'POST' });
    assert.equal(next.status, 202, JSON.stringify(next.body));
    assert.equal(next.body.jobId, 2);
    const job = await waitForJobEnd(restarted.api, 2);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    assert.equal((await listDir(join(exportRoot(home), '2'))).length, ENTITIES.length);
    assert.deepEqual(await partialFiles(home), []);
    assert.deepEqual(await listDir(join(exportRoot(home), '1')), [], 'the new export discarded the leftovers of job 1');
  });
});

describe('kill -9 of one node while another serves the same home', () => {
  let home: string;
  let survivor: RunningServer;

  before(async () => {
    home = await createTempHome();
    const crashed = await startSlowExport(home);
    survivor = await startServer({ home, env: { ...serverEnv({ SLUICE_IMPACT_BUDGET: '1' }), NODE_ID: 'survivor-node' } });
    assert.equal(await crashed.kill9(), 137);
  });
  after(() => survivor?.stop());

  test('a DELETE on the survivor ends the crashed job once its heartbeat is stale, with no second DELETE', async () => {
    const cancel = await survivor.api('/export', { method: 'DELETE' });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.equal(cancel.body.jobId, 1);
    // The survivor cannot tell a crash from a busy node until the heartbeat has been silent for a while.
    const final = await waitFor(
      async () => {
        const { body } = await survivor.api('/export');
        assert.ok(['CANCELLATION_REQUESTED', 'CANCELLED'].includes(body.status), JSON.stringify(body));
        return body.status === 'CANCELLED' ? body : undefined;
      },
      { what: 'job 1 to be CANCELLED', timeoutMs: 120_000, intervalMs: 500 },
    );
    assert.notEqual(final.cancelledTime, null);
    await assertKeptForResume(survivor.api, home, 1);
  });

  test('the survivor then starts job 2', async () => {
    const next = await survivor.api(`/export?fromDate=${encodeURIComponent(site!.fromDate)}`, { method: 'POST' });
    assert.equal(next.status, 202, JSON.stringify(next.body));
    assert.equal(next.body.jobId, 2);
    assert.equal((await waitForJobEnd(survivor.api, 2)).status, 'COMPLETED');
    assert.deepEqual(await partialFiles(home), []);
  });
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  describe(`${signal} during an export`, () => {
    let home: string;
    let exitCode: number;

    before(async () => {
      home = await createTempHome();
      const server = await startSlowExport(home);
      exitCode = await server.stop(signal);
    });

    test('the process exits 0', () => {
      assert.equal(exitCode, 0);
    });

    test('the job was marked CANCELLED before exit, as a restarted server reports', async () => {
      const restarted = await startServer({ home, env: serverEnv({ SLUICE_IMPACT_BUDGET: '1' }) });
      const { body } = await restarted.api('/export');
      assert.equal(body.jobId, 1);
      assert.equal(body.status, 'CANCELLED', JSON.stringify(body));
      assert.notEqual(body.cancelledTime, null);
      const next = await restarted.api('/export', { method: 'POST' });
      assert.equal(next.status, 202, JSON.stringify(next.body));
      assert.equal(next.body.jobId, 2);
      await waitForJobEnd(restarted.api, 2);
      await restarted.stop();
    });

    test('no temporary file is left once the next export ran', async () => {
      assert.deepEqual(await partialFiles(home), []);
    });
  });
}
