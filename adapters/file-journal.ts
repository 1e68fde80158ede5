// The job journal on the shared home: one JSON file per job under <home>/data-pipeline/jobs, each
// written atomically (temp file, fsync, rename). Creating job N+1 with link() is the cluster-wide lock:
// link fails if the file exists, so of two nodes racing for the same id exactly one wins, and the
// kernel only creates N+1 after seeing job N finished.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { JournalCorruptError } from '../core/errors.ts';
import type { JobRecord } from '../core/job/status.ts';
import type { JobStore } from '../core/job/ports.ts';

const JOB_FILE = /^job-(\d+)\.json$/;

export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<string> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

async function readJson<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JournalCorruptError(path, `not valid JSON (${(error as Error).message}); the file was kept for inspection`);
  }
  // Every job and setting is written as an object: anything else (`null` above all, which would read as
  // "no such job" and restart the ids) is damage.
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JournalCorruptError(path, 'not a JSON object; the file was kept for inspection');
  }
  return value as T;
}

export interface FileJournal extends JobStore {
  /** Reads every job file once: start-up refuses to run on a corrupt journal rather than reset job ids. */
  verify(): Promise<void>;
  readonly dir: string;
}

export async function createFileJournal(home: string): Promise<FileJournal> {
  const dir = join(home, 'data-pipeline');
  const jobs = join(dir, 'jobs');
  const settings = join(dir, 'settings');
  const claims = join(dir, 'claims');
  for (const d of [dir, jobs, settings, claims]) await mkdir(d, { recursive: true, mode: 0o700 });
  const jobPath = (id: number) => join(jobs, `job-${id}.json`);

  const ids = async (): Promise<number[]> =>
    (await readdir(jobs))
      .map((name) => JOB_FILE.exec(name))
      .filter((m) => m !== null)
      .map((m) => Number(m![1]))
      .sort((a, b) => b - a);

  const get = async (id: number) => {
    const record = await readJson<JobRecord>(jobPath(id));
    if (record !== null && (typeof record !== 'object' || record.jobId !== id || typeof record.status !== 'string')) {
      throw new JournalCorruptError(jobPath(id), 'not a job record; the file was kept for inspection');
    }
    return record;
  };

  return {
    dir,
    get,
    async latest() {
      const [newest] = await ids();
      return newest === undefined ? null : get(newest);
    },
    async list(offset, limit) {
      const all = await ids();
      const page = await Promise.all(all.slice(offset, offset + limit).map(get));
      return { values: page.filter((r): r is JobRecord => r !== null), size: all.length };
    },
    async create(record) {
      const temp = await writeFileAtomic(jobPath(record.jobId), JSON.stringify(record));
      try {
        await link(temp, jobPath(record.jobId));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
      await syncDir(jobs);
      return true;
    },
    async save(record) {
      const temp = await writeFileAtomic(jobPath(record.jobId), JSON.stringify(record));
      await rename(temp, jobPath(record.jobId));
      await syncDir(jobs);
    },
    async requestCancel(jobId) {
      await (await open(join(jobs, `job-${jobId}.cancel`), 'a', 0o600)).close();
    },
    async isCancelRequested(jobId) {
      return (await readdir(jobs)).includes(`job-${jobId}.cancel`);
    },
    readSetting: <T>(name: string) => readJson<T>(join(settings, `${name}.json`)),
    async writeSetting(name, value) {
      const path = join(settings, `${name}.json`);
      if (value === null || value === undefined) {
        await unlink(path).catch(() => undefined);
        return;
      }
      await rename(await writeFileAtomic(path, JSON.stringify(value)), path);
    },
    async claim(name) {
      try {
        await (await open(join(claims, name.replace(/[^\w.-]/g, '_')), 'wx', 0o600)).close();
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    },
    async verify() {
      for (const id of await ids()) await get(id);
      // A damaged setting (the export path above all) would otherwise surface only as a failing export.
      for (const name of await readdir(settings)) if (name.endsWith('.json')) await readJson(join(settings, name));
    },
  };
}
