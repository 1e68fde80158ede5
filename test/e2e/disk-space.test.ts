// The free-disk check before an export, on the real file system of the export root.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createE2eSite, listExports, type E2eSite } from '../helpers/e2e-site.ts';
import { startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

describe('an export root with less free space than SLUICE_MIN_FREE_DISK', () => {
  let site: E2eSite | undefined;
  let server: RunningServer;

  before(async () => {
    site = await createE2eSite();
    // No test machine has a petabyte free, so the check must refuse every export.
    server = await startServer({ env: { DATABASE_URL: site.db.url, SLUICE_MIN_FREE_DISK: '1000TB' } });
  });
  after(async () => {
    await stopAllServers();
    await site?.db.drop();
  });

  test('POST /export answers 422 with a FAILED job carrying export.disk.space.insufficient', async () => {
    const { status, body } = await server.api('/export', { method: 'POST' });
    assert.equal(status, 422, JSON.stringify(body));
    assert.equal(body.jobId, 1);
    assert.equal(body.status, 'FAILED');
    assert.notEqual(body.completedTime, null);
    assert.equal(body.cancelledTime, null);
    assert.deepEqual(
      body.errors.map((e: { key: string }) => e.key),
      ['export.disk.space.insufficient'],
    );
    assert.deepEqual((await server.api('/export')).body, body);
  });

  test('the refused job wrote no files, and the next attempt gets the next job id', async () => {
    assert.deepEqual(await listExports(server.home), []);
    const again = await server.api('/export?forceExport=true', { method: 'POST' });
    assert.equal(again.status, 422, 'forceExport does not override the disk check');
    assert.equal(again.body.jobId, 2);
  });
});
