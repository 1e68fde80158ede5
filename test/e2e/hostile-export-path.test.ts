// PUT /config/export-path with paths an export must never go to: relative, with `..`, missing, a file,
// a device, a symbolic link (itself or above it), read-only. Each is refused with 400 and the setting
// stays as it was; a good path is taken, and an export there, like the journal, is private (0700/0600).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { assertExportMatches, createCheckedSite, exportQuery, siteEnv, type CheckedSite } from '../helpers/export-check.ts';
import { waitForJobEnd } from '../helpers/http.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

const run = promisify(execFile);

let site: CheckedSite | undefined;
let server: RunningServer;
let scratch: string;
let readOnly: string | null = null;

before(async () => {
  site = await createCheckedSite(1);
  server = await startServer({ env: { ...siteEnv(site), SLUICE_IMPACT_BUDGET: '1' } });
  scratch = await createTempHome();
  await mkdir(join(scratch, 'real'));
  await mkdir(join(scratch, 'elsewhere'));
  await writeFile(join(scratch, 'a-file'), 'not a directory');
  await symlink(join(scratch, 'elsewhere'), join(scratch, 'link'));
  await symlink(scratch, join(scratch, 'parent-link'));
  // Root writes anywhere, so "not writable" needs a read-only file system; without mount rights the case is skipped.
  const ro = join(scratch, 'read-only');
  await mkdir(ro);
  if (
    await run('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]).then(
      () => true,
      () => false,
    )
  )
    readOnly = ro;
});
after(async () => {
  if (readOnly) await run('umount', ['-l', readOnly]).catch(() => undefined);
  await stopAllServers();
  await site?.db.drop();
});

async function putPath(path: string) {
  return server.api('/config/export-path', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path }) });
}

describe('PUT /config/export-path', () => {
  const refused: [what: string, path: () => string | null][] = [
    ['a relative path', () => 'exports/sluice'],
    ['a path with ..', () => `${scratch}/real/../elsewhere`],
    ['a path that does not exist', () => `${scratch}/missing`],
    ['a regular file', () => `${scratch}/a-file`],
    ['a device', () => '/dev/null'],
    ['a symbolic link to another directory', () => `${scratch}/link`],
    ['a directory reached through a symbolic link', () => `${scratch}/parent-link/real`],
    ['a read-only directory', () => readOnly],
  ];
  for (const [what, path] of refused) {
    test(`refuses ${what} with 400 invalid.path and keeps the setting`, async (t) => {
      const target = path();
      if (target === null) return t.skip('this machine does not allow mounting a read-only file system');
      const { status, body } = await putPath(target);
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(body.errors[0].key, 'invalid.path', JSON.stringify(body));
      assert.ok(body.errors[0].message.includes(target), `the message names the path: ${body.errors[0].message}`);
      const now = await server.api('/config/export-path');
      assert.equal(now.body.customPathSet, false);
    });
  }

  test('takes an absolute, existing, writable directory, and an export there completes privately', async () => {
    const root = join(scratch, 'real');
    const { status, body } = await putPath(root);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body, { rootExportPath: root, customPathSet: true });
    const started = await server.api(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.rootExportPath, root);
    const job = await waitForJobEnd(server.api, started.body.jobId);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    assert.deepEqual(await readdir(root), [String(job.jobId)]);
    await assertExportMatches(server.home, job, site!);
  });

  test('everything Sluice keeps on the home is private: directories 0700, files 0600', async () => {
    const loose: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const name of await readdir(dir)) {
        const path = join(dir, name);
        const info = await stat(path);
        const mode = info.mode & 0o777;
        if (info.isDirectory() ? mode !== 0o700 : mode !== 0o600) loose.push(`${path} ${mode.toString(8)}`);
        if (info.isDirectory()) await walk(path);
      }
    };
    await walk(join(server.home, 'data-pipeline'));
    await walk(join(scratch, 'real'));
    assert.deepEqual(loose, []);
  });
});
