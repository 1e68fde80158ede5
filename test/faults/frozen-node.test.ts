// A node that only looks dead: its process is frozen (SIGSTOP) longer than the heartbeat's stale
// threshold, another node on the shared home cancels its job and starts the next one, and then the
// frozen node wakes up. It must not bring its cancelled job back to life or write into the export root.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportRoot, listDir, listExports } from '../helpers/e2e-site.ts';
import { assertExportMatches, createCheckedSite, exportQuery, siteEnv, type CheckedSite } from '../helpers/export-check.ts';
import { waitFor, waitForJobEnd } from '../helpers/http.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// 20 times the integration fixture's bulk rows (3,000 pages, 3,000 comments, 6,000 events): an export big enough to disturb midway.
const SCALE = 20;
// Slow enough that job 1 is far from done when its node wakes up.
const SLOW_SHARE = '0.025';
// The kernel's HEARTBEAT_STALE_MS (30 s) and a margin for a loaded machine.
const STALE_BOUND_MS = 120_000;
// How long the woken node gets to do harm (several of its 1 s heartbeats) before the journal is read.
const WAKE_OBSERVE_MS = 5_000;

describe('a node frozen past the stale threshold, whose job another node cancelled, wakes up', { timeout: 400_000 }, () => {
  let site: CheckedSite | undefined;
  let home: string;
  let frozen: RunningServer;
  let other: RunningServer;

  before(async () => {
    site = await createCheckedSite(SCALE);
    home = await createTempHome();
    frozen = await startServer({ home, env: { ...siteEnv(site), NODE_ID: 'frozen-node', SLUICE_FIXED_SHARE: SLOW_SHARE } });
    other = await startServer({ home, env: { ...siteEnv(site), NODE_ID: 'other-node', SLUICE_IMPACT_BUDGET: '1' } });
  });
  after(async () => {
    if (frozen) process.kill(frozen.pid, 'SIGCONT');
    await stopAllServers();
    await site?.db.drop();
  });

  test('the other node sees the heartbeat go stale, cancels job 1 and starts job 2', async () => {
    const started = await frozen.api(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await waitFor(async () => ((await listExports(home)).some((n) => n.endsWith('.partial')) ? true : undefined), { what: 'job 1 to write' });
    process.kill(frozen.pid, 'SIGSTOP');
    await waitFor(async () => ((await other.api('/export')).body.heartbeat?.stale === true ? true : undefined), {
      what: "job 1's heartbeat to go stale",
      timeoutMs: STALE_BOUND_MS,
      intervalMs: 1000,
    });
    const cancel = await other.api('/export', { method: 'DELETE' });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.equal((await other.api('/export')).body.status, 'CANCELLED');
    const next = await other.api(exportQuery(site!), { method: 'POST' });
    assert.equal(next.status, 202, JSON.stringify(next.body));
    assert.equal(next.body.jobId, 2);
    await assertExportMatches(home, await waitForJobEnd(other.api, 2), site!);
  });

  test('once woken, the frozen node leaves job 1 CANCELLED and writes nothing more for it', async () => {
    process.kill(frozen.pid, 'SIGCONT');
    // Give the woken node time to act on whatever it had pending: this is the window in which harm would show.
    await new Promise((resolve) => setTimeout(resolve, WAKE_OBSERVE_MS));
    const journal = JSON.parse(await readFile(join(home, 'data-pipeline', 'jobs', 'job-1.json'), 'utf8'));
    assert.equal(journal.status, 'CANCELLED', `job 1 in the journal: ${journal.status}`);
    assert.deepEqual(await listDir(join(exportRoot(home), '1')), [], 'no file of job 1 reappears');
    const seen = await frozen.api('/history?offset=0&limit=10');
    if (seen.status === 200) assert.equal(seen.body.values.find((j: any) => j.jobId === 1)?.status, 'CANCELLED');
  });

  test('the woken node reports job 2, COMPLETED, as the latest job, and accepts the next export', async () => {
    const { body } = await frozen.api('/export');
    assert.equal(body.jobId, 2);
    assert.equal(body.status, 'COMPLETED');
    const next = await frozen.api(exportQuery(site!), { method: 'POST' });
    assert.equal(next.status, 202, JSON.stringify(next.body));
    assert.equal(next.body.jobId, 3);
    await frozen.api('/export', { method: 'DELETE' });
    assert.equal((await waitForJobEnd(frozen.api, 3)).status, 'CANCELLED');
  });
});
