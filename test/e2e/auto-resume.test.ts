// SLUICE_AUTO_RESUME=true on the real server (SPEC section 4): a node that starts and finds the latest export
// interrupted by a crash (kill -9) or a shutdown resumes it with no request, and the result is byte for byte
// an uninterrupted export's; one cancelled by DELETE is left alone. (Another node's crash, seen once its
// heartbeat is stale, is test/faults/resume.test.ts's.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor, waitForJobEnd } from '../helpers/http.ts';
import {
  assertCarriesOn,
  assertSameExport,
  createResumeSite,
  readJournal,
  referenceExport,
  waitForCheckpoint,
  CHECKPOINT_SHARE,
  type ResumeSite,
} from '../helpers/resume-check.ts';
import { startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// 20 times the fixture's bulk rows: at CHECKPOINT_SHARE the export takes seconds, in many chunks.
const SCALE = 20;
// How long a node that should not resume is watched: several of its auto-resume checks (every 5 s), the first at its start.
const LEFT_ALONE_MS = 7_000;

let site: ResumeSite | undefined;
let reference: Awaited<ReturnType<typeof referenceExport>>;

before(async () => {
  site = await createResumeSite('mariadb-confluence', SCALE);
  reference = await referenceExport(site);
});
after(async () => {
  await stopAllServers();
  await site?.drop();
});

const env = (extra: Record<string, string>) => ({ ...site!.env, NODE_ID: 'auto-node', ...extra });

/** A slow server running job 1, with a checkpoint part-way through an entity saved. */
async function interruptible(): Promise<RunningServer> {
  const server = await startServer({ env: env({ SLUICE_FIXED_SHARE: CHECKPOINT_SHARE }) });
  const started = await server.api(site!.exportPath, { method: 'POST' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  await waitForCheckpoint(server.home, 1);
  return server;
}

/** Waits for the restarted node to resume job 1 by itself, then for the resumed job to end; asserts it is exact. */
async function resumedByItself(server: RunningServer): Promise<void> {
  const resumed = await waitFor(
    async () => {
      const { body } = await server.api('/export');
      return body.jobId === 2 ? body : undefined;
    },
    { what: 'the restarted node to resume job 1 by itself', intervalMs: 100 },
  );
  assert.equal(resumed.config.resumedFrom, 1);
  const job = await waitForJobEnd(server.api, 2, 180_000);
  await assertSameExport(server.home, job, reference);
  assert.match(server.output(), /Resumed the interrupted export of job 1 as job 2/);
}

describe('SLUICE_AUTO_RESUME=true', { timeout: 400_000 }, () => {
  test('after a kill -9 the restarted node resumes the crashed job at its start, with no request; the result is exact', async () => {
    const first = await interruptible();
    assert.equal(await first.kill9(), 137);
    await assertCarriesOn(first.home, 1);
    const restarted = await startServer({ home: first.home, env: env({ SLUICE_IMPACT_BUDGET: '1', SLUICE_AUTO_RESUME: 'true' }) });
    await resumedByItself(restarted);
    assert.deepEqual([(await readJournal(first.home, 1)).status, (await readJournal(first.home, 1)).cancelledBy], ['CANCELLED', 'crash']);
    await restarted.stop();
  });

  test('after a SIGTERM the restarted node resumes the job the shutdown cancelled; the result is exact', async () => {
    const first = await interruptible();
    assert.equal(await first.stop('SIGTERM'), 0);
    const restarted = await startServer({ home: first.home, env: env({ SLUICE_IMPACT_BUDGET: '1', SLUICE_AUTO_RESUME: 'true' }) });
    await resumedByItself(restarted);
    await restarted.stop();
  });

  test('a job cancelled by DELETE is left alone', async () => {
    const first = await interruptible();
    assert.equal((await first.api('/export', { method: 'DELETE' })).status, 200);
    assert.equal((await waitForJobEnd(first.api, 1)).status, 'CANCELLED');
    await first.stop();
    const restarted = await startServer({ home: first.home, env: env({ SLUICE_IMPACT_BUDGET: '1', SLUICE_AUTO_RESUME: 'true' }) });
    await new Promise((resolve) => setTimeout(resolve, LEFT_ALONE_MS));
    const { body } = await restarted.api('/export');
    assert.deepEqual([body.jobId, body.status], [1, 'CANCELLED']);
    await restarted.stop();
  });

  test('without it, a restarted node leaves the crashed job STARTED until DELETE, as before', async () => {
    const first = await interruptible();
    assert.equal(await first.kill9(), 137);
    const restarted = await startServer({ home: first.home, env: env({ SLUICE_IMPACT_BUDGET: '1' }) });
    await new Promise((resolve) => setTimeout(resolve, LEFT_ALONE_MS));
    const { body } = await restarted.api('/export');
    assert.deepEqual([body.jobId, body.status], [1, 'STARTED']);
    await restarted.stop();
  });
});
