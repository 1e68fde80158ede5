// The database out of reach, staged with a TCP proxy in front of MariaDB (so the real server keeps
// running): refused or silent at start-up and at POST, and lost for a while or for good mid-export.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENTITIES, exportRoot, listDir } from '../helpers/e2e-site.ts';
import {
  assertExportMatches,
  assertKeptForResume,
  createCheckedSite,
  exportQuery,
  siteEnv,
  temporaryFiles,
  waitForEntityMidway,
  type CheckedSite,
} from '../helpers/export-check.ts';
import { createTcpProxy, type TcpProxy } from '../helpers/faults.ts';
import { waitFor, waitForJobEnd } from '../helpers/http.ts';
import { runServerToExit, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// 20 times the integration fixture's bulk rows (3,000 pages, 3,000 comments, 6,000 events): an export big enough to disturb midway.
const SCALE = 20;
// Paced so the export outlasts each outage by many seconds.
const SHARE = '0.015';
// Bounds for "never a hang": a connection attempt gives up after 10 s; these leave room for a busy machine.
const ANSWER_BOUND_MS = 60_000;
// The retry budget (eight tries, waits doubling from 250 ms to 15 s) plus connection attempts and polling.
const GIVE_UP_BOUND_MS = 180_000;
// SPEC: a cancelled job reads CANCELLED "within a few seconds"; generous for a loaded machine.
const CANCEL_BOUND_MS = 30_000;
// How long the short outage lasts at least: several back-off steps, well inside the retry budget.
const SHORT_OUTAGE_MS = 5_000;
// Once the database is back the export must finish in about the time it takes undisturbed (some 30 s
// here): the outage is not the site's load, and must not be paid for with a pause dozens of times as long.
const RECOVERY_BOUND_MS = 120_000;

let site: CheckedSite | undefined;
let proxy: TcpProxy;
let server: RunningServer;

before(async () => {
  site = await createCheckedSite(SCALE);
  proxy = await createTcpProxy();
  server = await startServer({ env: { ...siteEnv(site, site.db.url.replace(':3306/', `:${proxy.port}/`)), SLUICE_FIXED_SHARE: SHARE } });
});
after(async () => {
  await stopAllServers();
  await proxy?.close();
  await site?.db.drop();
});

/** A request that must be answered within `bound`: a hang fails the test instead of stalling it. */
async function answered(path: string, init: RequestInit, bound = ANSWER_BOUND_MS) {
  return server.api(path, { ...init, signal: AbortSignal.timeout(bound) });
}

/** Starts an export and waits until an entity is part-way through, so the outage hits it mid-way. */
async function startAndWaitForRows(): Promise<number> {
  const started = await answered(exportQuery(site!), { method: 'POST' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  await waitForEntityMidway(server.api);
  return started.body.jobId;
}

describe('the database unreachable at POST', () => {
  for (const mode of ['refuse', 'blackhole'] as const) {
    test(`a ${mode === 'refuse' ? 'refused' : 'silent'} database fails the POST promptly with 422 and export.source.unavailable`, async () => {
      await proxy.setMode(mode);
      try {
        const { status, body } = await answered(exportQuery(site!), { method: 'POST' });
        assert.equal(status, 422, JSON.stringify(body));
        assert.equal(body.status, 'FAILED');
        assert.equal(body.errors[0].key, 'export.source.unavailable');
        assert.match(body.errors[0].message, new RegExp(`127\\.0\\.0\\.1:${proxy.port}`));
        assert.deepEqual(await listDir(exportRoot(server.home)).then((jobs) => jobs.filter((j) => j === String(body.jobId))), []);
      } finally {
        await proxy.setMode('pass');
      }
    });
  }
});

describe('a short outage mid-export: connections cut and every reconnect reset for several seconds', { timeout: 400_000 }, () => {
  let job: any;

  test('the export carries on once the database is back and COMPLETES', async () => {
    const jobId = await startAndWaitForRows();
    await proxy.setMode('reset');
    const since = proxy.accepted();
    // Long enough, and until a read has been retried at least twice, so the outage falls inside a read.
    await new Promise((resolve) => setTimeout(resolve, SHORT_OUTAGE_MS));
    await waitFor(async () => (proxy.accepted() - since >= 3 ? true : undefined), { what: 'three reconnect attempts' });
    await proxy.setMode('pass');
    job = await waitForJobEnd(server.api, jobId, RECOVERY_BOUND_MS);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
  });

  test("the files hold exactly the database's rows: none lost, none repeated", async () => {
    await assertExportMatches(server.home, job, site!);
  });
});

describe('a lasting outage mid-export', { timeout: 400_000 }, () => {
  let jobId: number;
  let job: any;

  test('after the bounded retry budget the job is FAILED with an error naming the entity and the cause', async () => {
    jobId = await startAndWaitForRows();
    await proxy.setMode('refuse');
    try {
      job = await waitForJobEnd(server.api, jobId, GIVE_UP_BOUND_MS);
    } finally {
      await proxy.setMode('pass');
    }
    assert.equal(job.status, 'FAILED', JSON.stringify(job));
    assert.equal(job.errors.length, 1, JSON.stringify(job.errors));
    assert.equal(job.errors[0].key, 'export.failed');
    assert.match(job.errors[0].message, new RegExp(`\\b(${ENTITIES.join('|')})\\b`), 'the message names the entity');
    assert.match(job.errors[0].message, /ECONNREFUSED/, 'the message gives the cause');
    assert.match(job.errors[0].message, /gave up after \d+ tries/, 'the message says the retries were spent');
    assert.equal(job.statistics, null);
  });

  test('the failed job keeps its files for a resume, and none of them looks complete', async () => {
    await assertKeptForResume(server.api, server.home, jobId);
  });

  test('the lock is released: the next export discards them, starts and COMPLETES once the database is back', async () => {
    const started = await answered(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.jobId, jobId + 1);
    await assertExportMatches(server.home, await waitForJobEnd(server.api, jobId + 1, 300_000), site!);
    assert.deepEqual(await listDir(`${exportRoot(server.home)}/${jobId}`), []);
    assert.deepEqual(await temporaryFiles(server.home), []);
  });
});

describe('a silent network mid-export: open connections stop answering', { timeout: 400_000 }, () => {
  let jobId: number;

  test('DELETE cancels the job within seconds while the network is silent', async () => {
    jobId = await startAndWaitForRows();
    await proxy.setMode('blackhole');
    try {
      const cancel = await answered('/export', { method: 'DELETE' });
      assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
      const job = await waitForJobEnd(server.api, jobId, CANCEL_BOUND_MS);
      assert.equal(job.status, 'CANCELLED', JSON.stringify(job));
    } finally {
      await proxy.setMode('pass');
    }
    await assertKeptForResume(server.api, server.home, jobId);
  });

  test('the lock is released: the next export starts and COMPLETES', async () => {
    const started = await answered(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await assertExportMatches(server.home, await waitForJobEnd(server.api, started.body.jobId, 300_000), site!);
    assert.deepEqual(await listDir(`${exportRoot(server.home)}/${jobId}`), [], 'the cancelled job was discarded');
  });
});

describe('the database unreachable at start-up', () => {
  test('a silent database stops the server within a bounded time, with one line naming it', async () => {
    const silent = await createTcpProxy();
    await silent.setMode('blackhole');
    try {
      const result = await runServerToExit({ ...siteEnv(site!, `mysql://root@127.0.0.1:${silent.port}/confluence`) }, ANSWER_BOUND_MS);
      assert.equal(result.timedOut, false, `still running after ${ANSWER_BOUND_MS} ms: ${result.stdout}${result.stderr}`);
      assert.notEqual(result.code, 0);
      const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
      assert.equal(lines.length, 1, `stderr: ${result.stderr}`);
      assert.match(lines[0], new RegExp(`127\\.0\\.0\\.1:${silent.port}`));
      assert.match(lines[0], /ETIMEDOUT|timed? ?out/i);
    } finally {
      await silent.close();
    }
  });
});
