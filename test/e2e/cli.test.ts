// `sluice …` (the package's bin) against the real server over MariaDB: export --wait to the end, status,
// history, cancel, export --resume, and the exit codes and one-line messages of every failure. A table lock held by the
// test keeps an export running for as long as the test needs it to.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PoolConnection } from 'mysql2/promise';
import { createE2eSite, type E2eSite } from '../helpers/e2e-site.ts';
import { waitFor, waitForJobEnd } from '../helpers/http.ts';
import { findFreePort, REPO_ROOT, startServer, stopAllServers, TEST_TOKEN, type RunningServer } from '../helpers/server.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = join(REPO_ROOT, 'bin', 'sluice.js');

/** Runs a command to its end (killed after a minute) with the CLI's settings in its environment. */
function run(command: string, args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(
      Object.entries({ ...process.env, ...env }).filter((e): e is [string, string] => e[1] !== undefined && !/^NODE_TEST/.test(e[0])),
    );
    const child = spawn(command, args, { cwd: REPO_ROOT, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128, stdout, stderr });
    });
  });
}

describe('the sluice CLI against a running server', () => {
  let site: E2eSite | undefined;
  let server: RunningServer;
  let lock: PoolConnection | null = null;
  let env: Record<string, string | undefined>;
  const sluice = (...args: string[]) => run(process.execPath, [BIN, ...args], env);

  before(async () => {
    site = await createE2eSite();
    server = await startServer({ env: { DATABASE_URL: site.db.url, SLUICE_IMPACT_BUDGET: '1', SOURCE_TIMEZONE: 'UTC' } });
    env = { SLUICE_URL: server.url, SLUICE_TOKEN: TEST_TOKEN };
  });
  after(async () => {
    await lock?.query('UNLOCK TABLES').catch(() => undefined);
    lock?.release();
    await stopAllServers();
    await site?.db.drop();
  });

  test('export --wait follows the job to COMPLETED with plain lines when not on a terminal, and exits 0', async () => {
    const got = await sluice('export', '--from', site!.fromDate, '--wait');
    assert.equal(got.code, 0, got.stderr);
    const lines = got.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^Started job 1 \(exporting from 2024-03-01T09:00:00/);
    assert.ok(
      lines.some((l) => /^Job 1 Completed · [\d,]+ of ~[\d,]+ rows/.test(l)),
      got.stdout,
    );
    assert.ok(lines.includes(lines.find((l) => /^Job 1 Completed at /.test(l))!), got.stdout);
    for (const entity of ['users', 'spaces', 'pages', 'comments', 'analytics_events']) {
      assert.match(got.stdout, new RegExp(`\\b${entity}_job1_\\d{4}_\\d{2}_\\d{2}T\\d{2}_\\d{2}_\\d{2}Z\\.csv`), entity);
    }
    assert.doesNotMatch(got.stdout, /\x1b\[/, 'no terminal control sequences in a pipe');
  });

  test("status and history describe the finished job; --json prints the API's own objects", async () => {
    const status = await sluice('status');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Job 1 Completed at /);
    const history = await sluice('history');
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^JOB +STATUS +STARTED +DURATION +ROWS\n +1 +Completed /);
    const json = JSON.parse((await sluice('status', '--json')).stdout);
    assert.deepEqual(json, (await server.api('/export')).body);
  });

  test('cancel stops a running export, and a second export while one runs is refused with exit 1', async () => {
    lock = await site!.db.pool.getConnection();
    await lock.query('LOCK TABLES `CONTENT` WRITE');
    const started = await sluice('export', '--from', site!.fromDate);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^Started job 2 /);
    const refused = await sluice('export');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^sluice: Cannot start an export: job 2 is (STARTED|CANCELLATION_REQUESTED), started .* on e2e-node\n$/);
    const cancelled = await sluice('cancel');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.equal(cancelled.stdout, 'Cancellation of job 2 requested\n');
    await waitFor(async () => ((await server.api('/export')).body.status === 'CANCELLATION_REQUESTED' ? true : undefined), { what: 'CANCELLATION_REQUESTED' });
    await lock.query('UNLOCK TABLES');
    assert.equal((await waitForJobEnd(server.api, 2)).status, 'CANCELLED');
    const again = await sluice('cancel');
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'sluice: Cannot cancel: No export is running\n');
  });

  test('export --resume carries the cancelled export on to COMPLETED; with nothing to resume it fails with one line saying why', async () => {
    const resumed = await sluice('export', '--resume', '--wait');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /^Resumed job 2 as job 3 \(exporting from /);
    assert.match(resumed.stdout, /\nJob 3 Completed at /);
    const nothing = await sluice('export', '--resume');
    assert.equal(nothing.code, 1);
    assert.equal(nothing.stderr, 'sluice: Cannot resume: the latest export, job 3, completed; start a new export instead\n');
  });

  test('a wrong token, an unreachable server and bad input each fail with one clear line and a non-zero exit', async () => {
    const wrongToken = await run(process.execPath, [BIN, 'status'], { ...env, SLUICE_TOKEN: 'not-a-token' });
    assert.equal(wrongToken.code, 1);
    assert.equal(wrongToken.stderr, 'sluice: The server refused the token (401): set --token or SLUICE_TOKEN to an admin token\n');
    const port = await findFreePort();
    const unreachable = await sluice('status', '--url', `http://127.0.0.1:${port}`);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, new RegExp(`^sluice: Cannot reach http://127\\.0\\.0\\.1:${port}: connection refused`));
    const future = await sluice('export', '--from', '2999-01-01T00:00Z');
    assert.equal(future.code, 2);
    assert.match(future.stderr, /^sluice: Cannot start an export \(HTTP 400\): Cannot export from "2999-01-01T00:00Z": fromDate is in the future\n$/);
    const noToken = await run(process.execPath, [BIN, 'status'], { SLUICE_URL: server.url, SLUICE_TOKEN: undefined });
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /set --token or SLUICE_TOKEN/);
    const unknown = await sluice('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^sluice: Cannot run "frobnicate": unknown command/);
  });

  test('on a terminal, export --wait redraws a progress bar per entity in place', async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} export --from ${site!.fromDate} --wait`;
    // script(1) gives the CLI a pseudo-terminal; -e passes its exit code through.
    // Pages wait on a lock for a moment, so the CLI draws frames of a running job before the last one.
    lock?.release();
    lock = await site!.db.pool.getConnection();
    await lock.query('LOCK TABLES `CONTENT` WRITE');
    const running = run('script', ['-qec', command, '/dev/null'], { ...env, COLUMNS: '160' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await lock.query('UNLOCK TABLES');
    const got = await running;
    assert.equal(got.code, 0, got.stdout + got.stderr);
    assert.match(got.stdout, /\x1b\[2KJob \d+ Started/, 'lines are cleared before being drawn');
    assert.match(got.stdout, /\x1b\[\d+F/, 'the cursor moves back up over the previous frame');
    assert.match(got.stdout, / {2}Pages +█{24} 100%/);
    assert.match(got.stdout, /\nJob \d+ Completed at /);
  });

  test("npx runs the package's bin", async () => {
    const got = await run('npx', ['--no-install', 'sluice', '--help'], env);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /^Usage: sluice <command> \[options\]/);
  });
});
