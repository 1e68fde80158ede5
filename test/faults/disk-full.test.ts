// The disk fills during an export: the export root is a 1 MB tmpfs (the export needs several), so writes
// fail with ENOSPC, or free space falls below SLUICE_MIN_FREE_DISK first. Either way the job is FAILED with
// export.disk.space.insufficient, its files stay for a resume, and nothing looks complete. Needs root to mount a tmpfs;
// without that the suite is skipped and run-export-writes.test.ts still covers the write path.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { exportRoot, listExports } from '../helpers/e2e-site.ts';
import { assertKeptForResume, createCheckedSite, exportQuery, siteEnv, type CheckedSite } from '../helpers/export-check.ts';
import { waitForJobEnd } from '../helpers/http.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

const run = promisify(execFile);
const DISK_KEY = 'export.disk.space.insufficient';
// Several times smaller than the export (pages alone are over 2 MB at this scale).
const TMPFS_SIZE = '1m';
// 20 times the integration fixture's bulk rows (3,000 pages, 3,000 comments, 6,000 events): an export big enough to disturb midway.
const SCALE = 20;

/** Mounts a tmpfs of `size` at `dir`; false when this machine does not allow it. */
async function mountTmpfs(dir: string, size: string): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]).then(
    () => true,
    () => false,
  );
}

let site: CheckedSite | undefined;
const mounts: string[] = [];
let canMount = false;

before(async () => {
  site = await createCheckedSite(SCALE);
  const probe = join(await createTempHome(), 'probe');
  canMount = await mountTmpfs(probe, TMPFS_SIZE);
  if (canMount) await run('umount', [probe]);
});
after(async () => {
  try {
    // First, and lazily (a running server's open files cannot keep it): stopAllServers then removes the homes.
    for (const dir of mounts) await run('umount', ['-l', dir]).catch(() => undefined);
    await stopAllServers();
  } finally {
    await site?.db.drop();
  }
});

/** A server whose export root is a fresh 1 MB tmpfs. */
async function serverOnTinyDisk(minFree: string, share: string | null): Promise<RunningServer> {
  const home = await createTempHome();
  assert.ok(await mountTmpfs(exportRoot(home), TMPFS_SIZE), 'mount the tmpfs');
  mounts.push(exportRoot(home));
  return startServer({
    home,
    env: { ...siteEnv(site!), SLUICE_MIN_FREE_DISK: minFree, ...(share ? { SLUICE_FIXED_SHARE: share } : { SLUICE_IMPACT_BUDGET: '1' }) },
  });
}

/** The failed job's files stay for a resume (once there is room again), and none of them looks complete. */
async function assertNothingLooksComplete(server: RunningServer, job: any): Promise<void> {
  await assertKeptForResume(server.api, server.home, job.jobId);
  assert.ok(
    (await listExports(server.home)).every((name) => name.startsWith(`${job.jobId}/`)),
    'no other job has files',
  );
  assert.equal(job.statistics, null);
}

describe('the disk fills during an export', { timeout: 300_000 }, () => {
  test('a write refused for lack of space fails the job with export.disk.space.insufficient, naming the entity', async (t) => {
    if (!canMount) return t.skip('this machine does not allow mounting a tmpfs');
    // The free-space check disabled: only the failing write can stop the export.
    const server = await serverOnTinyDisk('0', null);
    const started = await server.api(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await waitForJobEnd(server.api, started.body.jobId);
    assert.equal(job.status, 'FAILED', JSON.stringify(job));
    assert.equal(job.errors[0].key, DISK_KEY, JSON.stringify(job.errors));
    assert.match(job.errors[0].message, /\b(users|spaces|pages|comments|analytics_events)\b/);
    await assertNothingLooksComplete(server, job);
  });

  test('free space falling below SLUICE_MIN_FREE_DISK mid-export fails the job with the same key', async (t) => {
    if (!canMount) return t.skip('this machine does not allow mounting a tmpfs');
    // 1 MB free at the start passes the check; a paced export writes past the 300 KB margin within seconds.
    const server = await serverOnTinyDisk('700KB', '0.025');
    const started = await server.api(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await waitForJobEnd(server.api, started.body.jobId);
    assert.equal(job.status, 'FAILED', JSON.stringify(job));
    assert.equal(job.errors[0].key, DISK_KEY, JSON.stringify(job.errors));
    await assertNothingLooksComplete(server, job);
  });

  test('after a disk failure the lock is released: the next POST gets a new job, not a 409', async (t) => {
    if (!canMount) return t.skip('this machine does not allow mounting a tmpfs');
    const server = await serverOnTinyDisk('0', null);
    const first = await server.api(exportQuery(site!), { method: 'POST' });
    assert.equal((await waitForJobEnd(server.api, first.body.jobId)).status, 'FAILED');
    const second = await server.api(exportQuery(site!), { method: 'POST' });
    assert.equal(second.status, 202, JSON.stringify(second.body));
    assert.equal(second.body.jobId, first.body.jobId + 1);
    await waitForJobEnd(server.api, second.body.jobId);
  });
});
