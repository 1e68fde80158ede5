/**
 * What a finished export must look like after any fault: a COMPLETED job whose directory holds exactly
 * its five files, private, each matching the fixture cell by cell (nothing lost, nothing repeated).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { waitFor, type Api } from './http.ts';
import { createE2eSite, ENTITIES, exportRoot, listDir, listExports, modeOf, type E2eSite } from './e2e-site.ts';
import { expectedConfluenceRows } from './expected-confluence.ts';

export const CHECK_BASE_URL = 'https://wiki.example.com/confluence';

/** A site whose expected rows are computed once: several tests compare against them. */
export interface CheckedSite extends E2eSite {
  expected: ReturnType<typeof expectedConfluenceRows>;
}

export async function createCheckedSite(scale: number): Promise<CheckedSite> {
  const site = await createE2eSite(scale);
  const expected = expectedConfluenceRows(site.fixture, {
    baseUrl: CHECK_BASE_URL,
    fromDate: new Date(site.fromDate),
    timezone: 'UTC',
    lineBreak: { preserve: false, escape: '\\n' },
  });
  return { ...site, expected };
}

/** Settings every server of these tests shares, so the expected rows apply. */
export function siteEnv(site: E2eSite, databaseUrl = site.db.url): Record<string, string> {
  return { DATABASE_URL: databaseUrl, BASE_URL: CHECK_BASE_URL, SOURCE_TIMEZONE: 'UTC' };
}

export function exportQuery(site: E2eSite): string {
  return `/export?fromDate=${encodeURIComponent(site.fromDate)}`;
}

/**
 * Asserts `job` COMPLETED under the home's export root (or the custom one it reports) and its files hold
 * exactly the site's rows, in order, cell by cell.
 */
export async function assertExportMatches(home: string, job: any, site: CheckedSite): Promise<void> {
  assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
  const root: string = job.rootExportPath ?? exportRoot(home);
  const dir = join(root, String(job.jobId));
  const files = ENTITIES.map((entity) => job.statistics.entities[entity].file as string);
  assert.deepEqual((await listDir(dir)).sort(), [...files].sort(), 'the job directory holds exactly its five files');
  assert.equal((await modeOf(dir)).toString(8), '700');
  for (const entity of ENTITIES) {
    const file = job.statistics.entities[entity].file as string;
    assert.equal((await modeOf(join(dir, file))).toString(8), '600', file);
    const records: string[][] = parse(await readFile(join(dir, file), 'utf8'), { relax_column_count: false });
    const expected = site.expected[entity];
    assert.equal(records.length, expected.length, `${entity}: ${records.length - 1} data rows, expected ${expected.length - 1}`);
    records.forEach((record, i) => assert.deepEqual(record, expected[i], `${entity} record ${i}`));
    assert.equal(job.statistics.entities[entity].rows, expected.length - 1, `${entity} rows in the statistics`);
  }
}

/** Every file name under the export root that is temporary (`.partial`) or otherwise not a CSV file. */
export async function temporaryFiles(home: string): Promise<string[]> {
  return (await listExports(home)).filter((name) => !name.endsWith('.csv'));
}

/**
 * Waits until the running job has an entity part-way through (running, rows written): a fault from then
 * on must make it carry on from a key rather than start over. Resolves with that status.
 */
export async function waitForEntityMidway(api: Api): Promise<any> {
  return waitFor(
    async () => {
      const { body } = await api('/export');
      if (body.status !== 'STARTED') throw new Error(`the job is ${body.status}, not part-way: ${JSON.stringify(body)}`);
      const progress = Object.values(body.progress ?? {}) as { rows: number; state: string }[];
      return progress.some((p) => p.state === 'running' && p.rows > 0) ? body : undefined;
    },
    { what: 'an entity part-way through', intervalMs: 100 },
  );
}

/**
 * What an interrupted (CANCELLED, FAILED or crashed) job leaves: its files stay for a resume, each named as the
 * job's (finished, or .partial), and none is served as an export's file, since the job did not complete.
 * Resolves with the names.
 */
export async function assertKeptForResume(api: Api, home: string, jobId: number): Promise<string[]> {
  const names = await listDir(join(exportRoot(home), String(jobId)));
  for (const name of names) {
    assert.match(name, new RegExp(`^[a-z_]+_job${jobId}_\\d{4}_\\d{2}_\\d{2}T\\d{2}_\\d{2}_\\d{2}Z\\.csv(\\.partial)?$`), name);
    if (name.endsWith('.csv')) {
      const { status } = await api(`/history/${jobId}/files/${encodeURIComponent(name)}`);
      assert.equal(status, 404, `${name} of the interrupted job ${jobId} is not downloadable`);
    }
  }
  return names;
}
