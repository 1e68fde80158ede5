// The same server on Deno (`deno task start`, Deno.serve, Piscina threads or the inline runner): a full
// export cycle against MariaDB checked cell by cell, the same site on PostgreSQL giving the same files,
// and the embedded demo giving files valid per SPEC section 5.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exportRoot } from '../helpers/e2e-site.ts';
import { assertExportMatches, createCheckedSite, exportQuery, siteEnv, type CheckedSite } from '../helpers/export-check.ts';
import { startDenoServer, stopAllDenoServers, type DenoServer } from '../helpers/deno-server.ts';
import { createApi, waitForJobEnd } from '../helpers/http.ts';
import { assertSpecFiles } from '../helpers/spec-files.ts';
import { createPostgresTestDatabase, loadFixturePostgres, type PostgresTestDatabase } from '../helpers/test-db-postgres.ts';

const POSTGRES_SCHEMA = fileURLToPath(new URL('../../adapters/demo/confluence-schema.sql', import.meta.url));
const ENTITIES = ['users', 'spaces', 'pages', 'comments', 'analytics_events'];

/** POST /export, then GET /export until the job ends. */
async function exportOnce(server: DenoServer, query = '/export', api = server.api): Promise<any> {
  const started = await api(query, { method: 'POST' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return waitForJobEnd(api, started.body.jobId);
}

async function fileOf(server: DenoServer, job: any, entity: string): Promise<Buffer> {
  return readFile(join(exportRoot(server.home), String(job.jobId), job.statistics.entities[entity].file));
}

describe('the server on Deno against MariaDB and PostgreSQL', () => {
  let site: CheckedSite | undefined;
  let postgres: PostgresTestDatabase | undefined;
  let onMysql: { server: DenoServer; job: any };
  let onPostgres: DenoServer;

  before(async () => {
    site = await createCheckedSite(1);
    postgres = await createPostgresTestDatabase(POSTGRES_SCHEMA);
    await loadFixturePostgres(postgres, site.fixture);
  });
  after(async () => {
    await stopAllDenoServers();
    await site?.db.drop();
    await postgres?.drop();
  });

  test('deno task start serves the API with Deno.serve and an export against MariaDB completes with the expected rows', async () => {
    const server = await startDenoServer({ viaTask: true, env: siteEnv(site!) });
    assert.match(server.output(), /Listening on http:\/\/127\.0\.0\.1:\d+ \(Deno\)/);
    const job = await exportOnce(server, exportQuery(site!));
    await assertExportMatches(server.home, job, site!);
    onMysql = { server, job };
  });

  test('the same site on PostgreSQL exports the same files, byte for byte, on Deno', async () => {
    const server = await startDenoServer({ env: siteEnv(site!, postgres!.url) });
    onPostgres = server;
    const job = await exportOnce(server, exportQuery(site!));
    await assertExportMatches(server.home, job, site!);
    for (const entity of ENTITIES) {
      const [a, b] = [await fileOf(onMysql.server, onMysql.job, entity), await fileOf(server, job, entity)];
      assert.ok(a.equals(b), `${entity}: the PostgreSQL file differs from the MariaDB one`);
    }
  });

  test('SIGTERM stops the Deno server cleanly', async () => {
    assert.equal(await onPostgres.stop(), 0, onPostgres.output());
    assert.match(onPostgres.output(), /SIGTERM received/);
    for (const server of [onMysql.server, onPostgres]) await rm(server.home, { recursive: true, force: true });
  });
});

describe('the embedded demo on Deno', () => {
  let server: DenoServer;

  before(async () => {
    server = await startDenoServer({ env: { DATABASE_URL: undefined, SLUICE_TOKENS: undefined, SLUICE_IMPACT_BUDGET: undefined } });
  });
  after(async () => {
    await stopAllDenoServers();
    if (server) await rm(server.home, { recursive: true, force: true });
  });

  test('starts on the demo with a printed token, and an export writes the five files, valid per SPEC section 5', async () => {
    assert.match(server.output(), /embedded DEMO site/);
    const token = /Admin token [^:]*: (\S+)/.exec(server.output())?.[1];
    assert.ok(token, server.output());
    const job = await exportOnce(server, '/export', createApi(server.url, token));
    const files = await assertSpecFiles(exportRoot(server.home), job);
    assert.ok(files.pages.length > 1000, 'a few thousand pages');
  });
});
