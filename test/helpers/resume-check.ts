/**
 * For the resume tests: a site on MariaDB or PostgreSQL, Confluence or Jira, exported once without
 * interruption for reference, and checks that an interrupted and resumed export's files are, byte for byte,
 * the reference's (the file names differ only by job id and stamp).
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfluenceFixture } from '../fixtures/confluence-fixture.ts';
import { generateJiraFixture, JIRA_BOUNDARY, JIRA_TABLES } from '../fixtures/jira-fixture.ts';
import { createE2eSite, exportRoot } from './e2e-site.ts';
import { waitFor, waitForJobEnd, type Api } from './http.ts';
import { batchesOfFixture, createJiraTestDatabase, loadJiraBatches } from './jira-db.ts';
import { startServer, type RunningServer } from './server.ts';
import { createPostgresTestDatabase, insertRows, loadFixturePostgres } from './test-db-postgres.ts';

export type SiteKind = 'mariadb-confluence' | 'postgres-confluence' | 'mariadb-jira' | 'postgres-jira';

export interface ResumeSite {
  kind: SiteKind;
  /** The settings every server of the site runs with (DATABASE_URL, BASE_URL, SOURCE_TIMEZONE). */
  env: Record<string, string>;
  /** POST /export's path with the site's fromDate. */
  exportPath: string;
  /** The entity files an export of the site writes. */
  entities: readonly string[];
  drop(): Promise<void>;
}

const CONFLUENCE = ['users', 'spaces', 'pages', 'comments', 'analytics_events'];
const JIRA = ['issues', 'issue_fields', 'issue_history', 'issue_links', 'users'];
const PG_CONFLUENCE_SCHEMA = fileURLToPath(new URL('../../adapters/demo/confluence-schema.sql', import.meta.url));
const PG_JIRA_SCHEMA = fileURLToPath(new URL('../fixtures/jira-postgres.sql', import.meta.url));

/** A site of `kind`; `scale` multiplies the fixture's bulk rows (Jira's has far fewer rows a scale). */
export async function createResumeSite(kind: SiteKind, scale: number): Promise<ResumeSite> {
  const settings = (url: string, baseUrl: string) => ({ DATABASE_URL: url, BASE_URL: baseUrl, SOURCE_TIMEZONE: 'UTC' });
  if (kind === 'mariadb-confluence') {
    const site = await createE2eSite(scale);
    return {
      kind,
      env: settings(site.db.url, 'https://wiki.example.com'),
      exportPath: exportPathFrom(site.fromDate),
      entities: CONFLUENCE,
      drop: site.db.drop,
    };
  }
  if (kind === 'postgres-confluence') {
    const fixture = generateConfluenceFixture({ scale });
    const db = await createPostgresTestDatabase(PG_CONFLUENCE_SCHEMA);
    await loadFixturePostgres(db, fixture).catch(async (error) => {
      await db.drop();
      throw error;
    });
    const fromDate = `${fixture.boundaryLocal.replace(' ', 'T')}Z`;
    return { kind, env: settings(db.url, 'https://wiki.example.com'), exportPath: exportPathFrom(fromDate), entities: CONFLUENCE, drop: db.drop };
  }
  const fixture = generateJiraFixture({ seed: 5, scale });
  const fromDate = `${JIRA_BOUNDARY.replace(' ', 'T')}Z`;
  if (kind === 'mariadb-jira') {
    const db = await createJiraTestDatabase();
    await loadJiraBatches(db.pool, batchesOfFixture(fixture)).catch(async (error) => {
      await db.drop();
      throw error;
    });
    return { kind, env: settings(db.url, 'https://jira.example.com'), exportPath: exportPathFrom(fromDate), entities: JIRA, drop: db.drop };
  }
  const db = await createPostgresTestDatabase(PG_JIRA_SCHEMA);
  try {
    for (const table of JIRA_TABLES) await insertRows(db, table, fixture[table]);
  } catch (error) {
    await db.drop();
    throw error;
  }
  return { kind, env: settings(db.url, 'https://jira.example.com'), exportPath: exportPathFrom(fromDate), entities: JIRA, drop: db.drop };
}

const exportPathFrom = (fromDate: string) => `/export?fromDate=${encodeURIComponent(fromDate)}`;

/** Each entity's file of a COMPLETED job, read whole; asserts the job's directory holds exactly its files. */
export async function readExport(home: string, job: any): Promise<Map<string, Buffer>> {
  assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
  const dir = join(job.rootExportPath ?? exportRoot(home), String(job.jobId));
  const files = new Map<string, Buffer>();
  for (const [entity, stats] of Object.entries(job.statistics.entities) as [string, { file: string; bytes: number; rows: number }][]) {
    assert.match(stats.file, new RegExp(`^${entity}_job${job.jobId}_\\d{4}_\\d{2}_\\d{2}T\\d{2}_\\d{2}_\\d{2}Z\\.csv$`));
    const bytes = await readFile(join(dir, stats.file));
    assert.equal(bytes.length, stats.bytes, `${entity}: the statistics give the file's size`);
    files.set(entity, bytes);
  }
  const names = Object.values(job.statistics.entities).map((stats) => (stats as { file: string }).file);
  assert.deepEqual((await readdir(dir)).sort(), names.sort(), 'the job directory holds exactly its files');
  return files;
}

/** The site exported once without interruption, at full speed, on a server of its own: the files every resumed export must equal. */
export async function referenceExport(site: ResumeSite): Promise<{ files: Map<string, Buffer>; job: any }> {
  const server = await startServer({ env: { ...site.env, SLUICE_IMPACT_BUDGET: '1' } });
  try {
    const started = await server.api(site.exportPath, { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await waitForJobEnd(server.api, started.body.jobId, 300_000);
    return { files: await readExport(server.home, job), job };
  } finally {
    await server.stop();
  }
}

/**
 * Asserts the resumed job's files equal the reference's byte for byte, entity by entity, and that its statistics
 * count each row once (as the uninterrupted export's do).
 */
export async function assertSameExport(home: string, job: any, reference: { files: Map<string, Buffer>; job: any }): Promise<void> {
  const files = await readExport(home, job);
  assert.deepEqual([...files.keys()].sort(), [...reference.files.keys()].sort(), 'the same entities');
  for (const [entity, want] of reference.files) {
    const got = files.get(entity)!;
    if (!got.equals(want)) {
      let at = 0;
      while (at < Math.min(got.length, want.length) && got[at] === want[at]) at++;
      const around = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, at - 60), at + 60).toString('utf8'));
      assert.fail(`${entity}: ${got.length} bytes, expected ${want.length}; first difference at byte ${at}: ${around(got)} instead of ${around(want)}`);
    }
    const [stats, wanted] = [job.statistics.entities[entity], reference.job.statistics.entities[entity]];
    assert.equal(stats.rows, wanted.rows, `${entity}: rows in the statistics`);
  }
  assert.equal(job.statistics.writtenRows, reference.job.statistics.writtenRows, 'writtenRows counts each row once');
  assert.equal(job.statistics.exportedEntities, reference.job.statistics.exportedEntities, 'exportedEntities counts each record read once');
}

/** Waits until the running job has an entity part-way through, with rows written, or has ended; resolves with its status. */
export async function waitForRows(api: Api, jobId: number): Promise<any> {
  return waitFor(
    async () => {
      const { body } = await api('/export');
      if (body.jobId !== jobId) return undefined;
      if (['COMPLETED', 'CANCELLED', 'FAILED'].includes(body.status)) return body;
      const progress = Object.values(body.progress ?? {}) as { rows: number; state: string }[];
      return progress.some((p) => p.state === 'running' && p.rows > 0) ? body : undefined;
    },
    { what: `job ${jobId} to write rows`, intervalMs: 100, timeoutMs: 120_000 },
  );
}

/** POST /export?resume=true, expecting the next job, carrying `from` on. */
export async function resume(server: RunningServer, from: number): Promise<number> {
  const { status, body } = await server.api('/export?resume=true', { method: 'POST' });
  assert.equal(status, 202, JSON.stringify(body));
  assert.equal(body.status, 'STARTED');
  assert.equal(body.config.resumedFrom, from);
  return body.jobId;
}

/** A job's record in the journal (JSON on the shared home), as a resume reads it. */
export async function readJournal(home: string, jobId: number): Promise<any> {
  return JSON.parse(await readFile(join(home, 'data-pipeline', 'jobs', `job-${jobId}.json`), 'utf8'));
}

/**
 * A fixed share slow enough that a test's export (the fixture at 20 times its bulk rows) is still running when
 * the heartbeat, once a second, journals a checkpoint part-way: at 0.02 that export took about 2.5 s, and once
 * (a fresh clone's CI) completed before a part-way checkpoint was journaled. A quarter of it.
 */
export const CHECKPOINT_SHARE = '0.005';

/**
 * Waits until the journal holds a checkpoint part-way through an entity (not done, rows kept) for the job; with
 * `orEnd`, or until the job has ended (it may finish first), else that fails at once.
 */
export async function waitForCheckpoint(home: string, jobId: number, options: { orEnd?: boolean } = {}): Promise<any> {
  let ended: any = null;
  const found = await waitFor(
    async () => {
      const record = await readJournal(home, jobId).catch(() => null);
      const partway = Object.values(record?.checkpoints ?? {}).some((c: any) => !c.done && c.rows > 0);
      // A resumed job's checkpoints are its own once it has taken the files over.
      if (partway && record.carriedFrom === undefined) return record;
      if (record && ['COMPLETED', 'CANCELLED', 'FAILED'].includes(record.status)) return (ended = record);
      throw new Error(record ? `job ${jobId} is ${record.status}, its checkpoints ${JSON.stringify(record.checkpoints)}` : `no job ${jobId} yet`);
    },
    { what: `a checkpoint part-way through an entity of job ${jobId}`, intervalMs: 100, timeoutMs: 120_000 },
  );
  if (ended && !options.orEnd) throw new Error(`job ${jobId} ended ${ended.status} before a checkpoint part-way: ${JSON.stringify(ended.checkpoints)}`);
  return found;
}

/**
 * Asserts an interrupted job kept work for a resume: an entity finished, or one part-way through, whose file
 * holds what its checkpoint claims, looked for where a resume looks (the job's directory, then those it was
 * still carrying on from; for an unfinished entity its .partial file, then its finished one). Resolves with
 * those entities.
 */
export async function assertCarriesOn(home: string, jobId: number): Promise<string[]> {
  const record = await readJournal(home, jobId);
  const sources = [{ jobId, dir: record.exportDir, fileStamp: record.fileStamp }, ...(record.carriedFrom ?? [])];
  const sizeOf = (path: string) =>
    stat(path).then(
      (info) => info.size,
      () => null,
    );
  const kept: string[] = [];
  for (const [entity, checkpoint] of Object.entries(record.checkpoints ?? {}) as [string, any][]) {
    if (!checkpoint.done && checkpoint.rows === 0) continue;
    for (const source of sources) {
      const path = join(source.dir, `${entity}_job${source.jobId}_${source.fileStamp}.csv`);
      const size = checkpoint.done ? await sizeOf(path) : ((await sizeOf(`${path}.partial`)) ?? (await sizeOf(path)));
      if (size === null) continue;
      if (checkpoint.done ? size === checkpoint.bytes : size >= checkpoint.bytes) kept.push(entity);
      break;
    }
  }
  if (kept.length === 0) {
    const listing = await Promise.all(sources.map(async ({ dir }) => `${dir}: ${(await readdir(dir).catch(() => [])).join(', ') || 'nothing'}`));
    assert.fail(`job ${jobId} kept nothing to carry on: ${JSON.stringify(record.checkpoints)}; ${listing.join('; ')}`);
  }
  return kept;
}
