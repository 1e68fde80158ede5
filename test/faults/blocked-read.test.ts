// A read that does not come back: another session holds a write lock on BODYCONTENT, so the pages and
// comments reads wait on it. Cancelling (DELETE) and stopping (SIGTERM) must still work within seconds,
// and once the lock is gone the next export is complete and exact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import { exportRoot, listDir } from '../helpers/e2e-site.ts';
import {
  assertExportMatches,
  assertKeptForResume,
  createCheckedSite,
  exportQuery,
  siteEnv,
  temporaryFiles,
  type CheckedSite,
} from '../helpers/export-check.ts';
import { waitFor, waitForJobEnd } from '../helpers/http.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// SPEC: a cancelled job reads CANCELLED "within a few seconds"; generous for a loaded machine.
const CANCEL_BOUND_MS = 30_000;
// The entities that read BODYCONTENT, and so wait on the lock.
const BLOCKED = ['pages', 'comments'];

let site: CheckedSite | undefined;
let locker: mysql.Connection | undefined;

before(async () => {
  site = await createCheckedSite(5);
});
after(async () => {
  await stopAllServers();
  await locker?.end().catch(() => locker?.destroy());
  await site?.db.drop();
});

async function lockBodies(): Promise<void> {
  locker = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: site!.db.name });
  await locker.query('LOCK TABLES `BODYCONTENT` WRITE');
}

async function unlockBodies(): Promise<void> {
  await locker?.query('UNLOCK TABLES');
  await locker?.end();
  locker = undefined;
}

/** Starts an export and waits until one of its reads waits on the lock, as the process list shows. */
async function startBlockedExport(server: RunningServer): Promise<number> {
  const started = await server.api(exportQuery(site!), { method: 'POST' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const stuck = await waitFor(
    async () => {
      const [rows] = await locker!.query("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table metadata lock%'", [
        site!.db.name,
      ]);
      const { body } = await server.api('/export');
      const running = BLOCKED.some((entity) => body.progress?.[entity]?.state === 'running' && body.progress[entity].rows === 0);
      return (rows as unknown[]).length > 0 && running ? body : undefined;
    },
    { what: 'a read of pages or comments to wait on the lock' },
  );
  assert.equal(stuck.status, 'STARTED');
  return started.body.jobId;
}

describe("DELETE while reads wait on another session's table lock", { timeout: 300_000 }, () => {
  let server: RunningServer;
  let jobId: number;

  before(async () => {
    server = await startServer({ env: { ...siteEnv(site!), SLUICE_IMPACT_BUDGET: '1' } });
  });

  test('the job reads CANCELLED within seconds, though its reads have not come back', async () => {
    await lockBodies();
    try {
      jobId = await startBlockedExport(server);
      const cancel = await server.api('/export', { method: 'DELETE' });
      assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
      const job = await waitForJobEnd(server.api, jobId, CANCEL_BOUND_MS);
      assert.equal(job.status, 'CANCELLED', JSON.stringify(job));
    } finally {
      await unlockBodies();
    }
  });

  test('the cancelled job keeps its files for a resume, none of them looking complete', async () => {
    await assertKeptForResume(server.api, server.home, jobId);
  });

  test("once the lock is gone the next export discards them and COMPLETES with exactly the database's rows", async () => {
    const started = await server.api(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await assertExportMatches(server.home, await waitForJobEnd(server.api, started.body.jobId, 120_000), site!);
    assert.deepEqual(await listDir(`${exportRoot(server.home)}/${jobId}`), []);
    assert.deepEqual(await temporaryFiles(server.home), []);
  });
});

describe("SIGTERM while reads wait on another session's table lock", { timeout: 300_000 }, () => {
  test('the server exits 0 within seconds and a restarted one reports the job CANCELLED', async () => {
    const home = await createTempHome();
    const env = { ...siteEnv(site!), SLUICE_IMPACT_BUDGET: '1' };
    const server = await startServer({ home, env });
    let exitCode: number;
    let jobId: number;
    await lockBodies();
    try {
      jobId = await startBlockedExport(server);
      exitCode = await server.stop('SIGTERM');
    } finally {
      await unlockBodies();
    }
    assert.equal(exitCode, 0, server.output());
    const restarted = await startServer({ home, env });
    const { body } = await restarted.api('/export');
    assert.equal(body.jobId, jobId);
    assert.equal(body.status, 'CANCELLED', JSON.stringify(body));
    await assertKeptForResume(restarted.api, home, jobId);
  });
});
