// The embedded demo site: what `npm start` exports when no DATABASE_URL is set. A generated Confluence
// site in PGlite, kept under <PIPELINE_HOME>/demo so a restart finds the same site, jobs and token:
//   demo/pgdata/      the database (built in pgdata.partial and renamed, so a half-built site is never used)
//   demo/site.json    what was generated, and when
//   demo/admin-token  the admin token (0600), printed at every start so the same curl command keeps working
//   demo/lock         the process using the site: PGlite's files take one process at a time
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { utcMsToLocal } from '../../core/dates.ts';
import { confluence } from '../../core/entities/confluence.ts';
import { ConfigError } from '../../core/errors.ts';
import type { OpenDb } from '../../core/source.ts';
import { openPglite } from '../sources/pglite.ts';
import { generateDemoSite, type DemoSummary } from './demo-load.ts';

export interface DemoSite {
  dir: string;
  openDb: OpenDb;
  token: string;
  summary: DemoSummary;
  close(): Promise<void>;
}

export async function openDemoSite(home: string, log: (line: string) => void): Promise<DemoSite> {
  const dir = join(home, 'demo');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const unlock = await lockDemo(dir);
  try {
    const summary = (await readSummary(dir)) ?? (await buildSite(dir, log));
    const engine = await openPglite(join(dir, 'pgdata'));
    await warmUp(engine.openDb);
    const token = await demoToken(dir);
    return {
      dir,
      token,
      summary,
      openDb: engine.openDb,
      close: async () => {
        await engine.close();
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

async function readSummary(dir: string): Promise<DemoSummary | null> {
  const built = await stat(join(dir, 'pgdata')).then(
    () => true,
    () => false,
  );
  if (!built) return null;
  return JSON.parse(await readFile(join(dir, 'site.json'), 'utf8')) as DemoSummary;
}

async function buildSite(dir: string, log: (line: string) => void): Promise<DemoSummary> {
  const partial = join(dir, 'pgdata.partial');
  log(`Generating the demo Confluence site in ${dir} (first start only, about half a minute)`);
  await rm(partial, { recursive: true, force: true });
  const engine = await openPglite(partial);
  let summary: DemoSummary;
  try {
    summary = await generateDemoSite(engine, Date.now());
  } finally {
    await engine.close();
  }
  await writeFile(join(dir, 'site.json'), `${JSON.stringify(summary, null, 2)}\n`, { mode: 0o600 });
  await rename(partial, join(dir, 'pgdata'));
  return summary;
}

/**
 * Runs what an export runs, once, before the server listens: a fresh engine pays about 100 ms for its first
 * statements (cold catalog caches, WebAssembly still compiling), and on this thread that would stall the API.
 */
async function warmUp(openDb: OpenDb): Promise<void> {
  const db = await openDb();
  const fromMs = Date.now() - 365 * 86_400_000;
  const ctx = { baseUrl: '', fromMs, fromLocal: utcMsToLocal(fromMs, 'UTC'), timezone: 'UTC', optedOut: [], schemaVersion: 1 };
  try {
    for (const entity of confluence.entities) {
      await entity.estimate(db, ctx);
      await entity.read(db, ctx, null, 20);
    }
  } finally {
    await db.close();
  }
}

/** The stored token, or a fresh random one stored for the next start. */
async function demoToken(dir: string): Promise<string> {
  const path = join(dir, 'admin-token');
  const stored = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (stored !== '') return stored;
  const token = randomBytes(24).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}

async function lockDemo(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(String(process.pid));
      await file.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new ConfigError('PIPELINE_HOME', `Cannot open the demo site in "${dir}": process ${owner} is using it`);
      }
      // Left by a process that is gone: take it over.
      await rm(path, { force: true });
    }
  }
  throw new ConfigError('PIPELINE_HOME', `Cannot open the demo site in "${dir}": another process keeps taking its lock`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
