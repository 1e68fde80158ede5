// A job journal damaged on disk (truncated by a crash of the storage, emptied, overwritten): Sluice refuses
// to start with one line naming the file, keeps the file as it was for inspection, and never starts over
// at job 1 (which would overwrite earlier exports' ids and directories).
import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createCheckedSite, exportQuery, siteEnv, type CheckedSite } from '../helpers/export-check.ts';
import { waitForJobEnd } from '../helpers/http.ts';
import { createTempHome, runServerToExit, startServer, stopAllServers } from '../helpers/server.ts';

// Refusing needs only the TypeScript loaded, the database probed and the journal read.
const REFUSAL_BOUND_MS = 60_000;

let site: CheckedSite | undefined;
/** A home whose journal holds jobs 1 and 2, both COMPLETED. */
let goodHome: string;

before(async () => {
  site = await createCheckedSite(1);
  goodHome = await createTempHome();
  const server = await startServer({ home: goodHome, env: { ...siteEnv(site), SLUICE_IMPACT_BUDGET: '1' } });
  for (const jobId of [1, 2]) {
    const started = await server.api(exportQuery(site), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal((await waitForJobEnd(server.api, jobId)).status, 'COMPLETED');
  }
  await server.stop();
});
after(async () => {
  await stopAllServers();
  await site?.db.drop();
});

const jobsDir = (home: string) => join(home, 'data-pipeline', 'jobs');

/** A copy of the good home with one journal file replaced by `damage(original text)`. */
async function damagedHome(file: string, damage: (text: string) => string): Promise<string> {
  const home = await createTempHome();
  await cp(goodHome, home, { recursive: true });
  const path = join(home, 'data-pipeline', file);
  await writeFile(path, damage(await readFile(path, 'utf8').catch(() => '')));
  return home;
}

const CASES: [what: string, file: string, damage: (text: string) => string][] = [
  ['the latest job file truncated half way', 'jobs/job-2.json', (text) => text.slice(0, Math.floor(text.length / 2))],
  ['the latest job file empty', 'jobs/job-2.json', () => ''],
  ['an earlier job file not JSON at all', 'jobs/job-1.json', () => '\u0000\u0000\u0000garbage'],
  ['the latest job file holding JSON null', 'jobs/job-2.json', () => 'null'],
  ["the latest job file holding another job's record", 'jobs/job-2.json', () => JSON.stringify({ jobId: 1, status: 'COMPLETED' })],
  ['the export-path setting truncated', 'settings/export-path.json', () => '{"path": "/var/exp'],
];

describe('a damaged journal at start-up', { timeout: 300_000 }, () => {
  for (const [what, file, damage] of CASES) {
    test(`${what}: the server refuses to start with one line naming the file, and keeps the file as it was`, async () => {
      const home = await damagedHome(file, damage);
      const before = await readFile(join(home, 'data-pipeline', file));
      const jobsBefore = (await readdir(jobsDir(home))).sort();
      const result = await runServerToExit({ ...siteEnv(site!), PIPELINE_HOME: home }, REFUSAL_BOUND_MS);
      assert.equal(result.timedOut, false, `still running after ${REFUSAL_BOUND_MS} ms: ${result.stdout}${result.stderr}`);
      assert.notEqual(result.code, 0, result.stdout);
      const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
      assert.equal(lines.length, 1, `stderr: ${result.stderr}`);
      assert.ok(lines[0].includes(join(home, 'data-pipeline', file)), `the line names the file: ${lines[0]}`);
      assert.doesNotMatch(result.stdout, /Listening on/);
      assert.deepEqual(await readFile(join(home, 'data-pipeline', file)), before, 'the damaged file is kept byte for byte');
      assert.deepEqual((await readdir(jobsDir(home))).sort(), jobsBefore, 'no job file was added or removed');
    });
  }

  test('with the journal intact the next job is 3: ids carry on from the journal', async () => {
    const home = await damagedHome('jobs/job-2.json', (text) => text);
    const server = await startServer({ home, env: { ...siteEnv(site!), SLUICE_IMPACT_BUDGET: '1' } });
    const started = await server.api(exportQuery(site!), { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.jobId, 3);
    await waitForJobEnd(server.api, 3);
  });
});
