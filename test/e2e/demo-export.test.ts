// `npm start` with no configuration: the server generates the embedded demo site, says so, prints a token
// and commands that work as printed, exports the demo's five files while the API stays responsive, and
// finds the same site, token and jobs after a restart.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { exportRoot } from '../helpers/e2e-site.ts';
import { createApi, type Api } from '../helpers/http.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';
import { assertSpecFiles } from '../helpers/spec-files.ts';

const run = promisify(execFile);
// No DATABASE_URL and no token: what a fresh `npm start` sees.
const DEMO_ENV = { DATABASE_URL: undefined, SLUICE_TOKENS: undefined, SLUICE_IMPACT_BUDGET: undefined };
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

function printed(output: string, pattern: RegExp): string {
  const match = pattern.exec(output);
  assert.ok(match, `expected ${pattern} in the start-up output:\n${output}`);
  return match[1];
}

/** GET /export until the job ends, timing each answer; every one must be a 200. */
async function pollTimed(api: Api, jobId: number): Promise<{ job: any; latencies: number[] }> {
  const latencies: number[] = [];
  const deadline = Date.now() + 180_000;
  for (;;) {
    const started = performance.now();
    const { status, body } = await api('/export');
    latencies.push(performance.now() - started);
    assert.equal(status, 200, JSON.stringify(body));
    if (body.jobId === jobId && TERMINAL.has(body.status)) return { job: body, latencies };
    assert.ok(Date.now() < deadline, `job ${jobId} still ${body.status} after 180 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the embedded demo site', () => {
  let home: string;
  let server: RunningServer;
  let token: string;
  let job: any;

  before(async () => {
    home = await createTempHome();
    server = await startServer({ home, env: DEMO_ENV });
  });
  after(async () => {
    await stopAllServers();
    if (home) await rm(home, { recursive: true, force: true });
  });

  test('the start-up output says it is the demo and where the API and the admin console are', () => {
    const output = server.output();
    assert.match(output, /Generating the demo Confluence site/);
    assert.match(output, /embedded DEMO site/);
    assert.match(output, new RegExp(`REST API: ${server.url}/rest/datapipeline/latest/export`));
    assert.match(output, new RegExp(`Admin console: ${server.url}/admin/data-pipeline`));
    token = printed(output, /Admin token [^:]*: (\S+)/);
    assert.ok(token.length >= 24, 'a long random token');
  });

  test('the printed curl command starts an export, and GET /export answers promptly while it runs', async (t) => {
    const command = printed(server.output(), /Start an export:\r?\n\s+(curl .*)/);
    const { stdout } = await run('sh', ['-c', `${command} --silent --show-error`]);
    const started = JSON.parse(stdout);
    assert.equal(started.status, 'STARTED', stdout);
    const { job: finished, latencies } = await pollTimed(createApi(server.url, token), started.jobId);
    job = finished;
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
    // Measured and reported, not asserted: timing on a shared machine is no test of behaviour.
    t.diagnostic(`GET /export during the demo export: ${latencies.length} answers, median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`);
  });

  test('the export wrote the five files, valid per SPEC section 5', async () => {
    const files = await assertSpecFiles(exportRoot(home), job);
    for (const entity of ['users', 'spaces', 'pages', 'comments', 'analytics_events']) assert.ok(files[entity].length > 1, `${entity} has rows`);
    assert.ok(files.pages.length > 1000, 'a few thousand pages, most of them changed within the default year');
  });

  test('the files hold exactly the pages, comments and events the demo database selects', async () => {
    await server.stop();
    const fromLocal = new Date(job.config.exportFrom).toISOString().slice(0, 19).replace('T', ' ');
    const db = await PGlite.create(join(home, 'demo', 'pgdata'));
    try {
      const ids = async (sql: string, param: unknown) => (await db.query<{ id: string }>(sql, [param])).rows.map((r) => r.id);
      const files = await assertSpecFiles(exportRoot(home), job);
      assert.deepEqual(
        files.pages.slice(1).map((r) => r[0]),
        await ids(
          `SELECT contentid::text AS id FROM content
        WHERE contenttype IN ('PAGE', 'BLOGPOST') AND prevver IS NULL AND lastmoddate >= $1 ORDER BY contentid`,
          fromLocal,
        ),
      );
      assert.deepEqual(
        files.comments.slice(1).map((r) => r[0]),
        await ids(
          `SELECT contentid::text AS id FROM content
        WHERE contenttype = 'COMMENT' AND prevver IS NULL AND lastmoddate >= $1 ORDER BY contentid`,
          fromLocal,
        ),
      );
      assert.deepEqual(
        files.analytics_events.slice(1).map((r) => r[1]),
        await ids(
          `SELECT "ID"::text AS id FROM "AO_7B47A5_EVENT"
        WHERE "EVENT_AT" >= $1 ORDER BY "ID"`,
          Date.parse(job.config.exportFrom),
        ),
      );
    } finally {
      await db.close();
    }
  });

  test('a restart keeps the site, the token and the jobs, and generates nothing', async () => {
    server = await startServer({ home, env: DEMO_ENV });
    assert.doesNotMatch(server.output(), /Generating/);
    assert.equal(printed(server.output(), /Admin token [^:]*: (\S+)/), token);
    const { status, body } = await createApi(server.url, token)('/export');
    assert.equal(status, 200);
    assert.deepEqual([body.jobId, body.status], [job.jobId, 'COMPLETED']);
  });

  test('SIGTERM during a demo export cancels it, closes the site and exits cleanly', async () => {
    const api = createApi(server.url, token);
    const started = await api('/export', { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(await server.stop('SIGTERM'), 0, server.output());
    server = await startServer({ home, env: DEMO_ENV });
    const { body } = await createApi(server.url, token)('/export');
    assert.equal(body.jobId, started.body.jobId);
    // The demo export takes seconds; the signal follows the 202 at once.
    assert.equal(body.status, 'CANCELLED', JSON.stringify(body));
  });
});
