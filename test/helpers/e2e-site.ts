/**
 * A Confluence site in a throwaway MariaDB database for the end-to-end tests, and what they read back
 * from an export directory.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfluenceFixture, type ConfluenceFixture } from '../fixtures/confluence-fixture.ts';
import { createMysqlTestDatabase, loadFixtureMysql, type MysqlTestDatabase } from './test-db.ts';

const SCHEMA_FILE = fileURLToPath(new URL('../fixtures/confluence-mysql.sql', import.meta.url));

export const ENTITIES = ['users', 'spaces', 'pages', 'comments', 'analytics_events'] as const;

export interface E2eSite {
  db: MysqlTestDatabase;
  fixture: ConfluenceFixture;
  /** The fixture's boundary as a fromDate (the fixture's datetimes are UTC when SOURCE_TIMEZONE is UTC). */
  fromDate: string;
}

/** `scale` multiplies the fixture's bulk rows: a larger site keeps a paced export running for a while. */
export async function createE2eSite(scale = 1): Promise<E2eSite> {
  const fixture = generateConfluenceFixture({ scale });
  const db = await createMysqlTestDatabase(SCHEMA_FILE);
  try {
    await loadFixtureMysql(db.pool, fixture);
  } catch (error) {
    await db.drop();
    throw error;
  }
  return { db, fixture, fromDate: `${fixture.boundaryLocal.replace(' ', 'T')}Z` };
}

export function exportRoot(home: string): string {
  return join(home, 'data-pipeline', 'export');
}

/** Names of the files in a directory, or [] when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

/** Every file name under the export root, as `<jobId>/<name>`. */
export async function listExports(home: string): Promise<string[]> {
  const root = exportRoot(home);
  const names: string[] = [];
  for (const job of await listDir(root)) {
    const inside = (await stat(join(root, job))).isDirectory() ? await listDir(join(root, job)) : [];
    names.push(...inside.map((name) => `${job}/${name}`));
  }
  return names;
}

export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

export async function readJobFile(home: string, jobId: number, name: string): Promise<string> {
  return readFile(join(exportRoot(home), String(jobId), name), 'utf8');
}
