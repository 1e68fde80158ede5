// Sluice as the site's administrator runs it: the real server process, started as `npm start` starts it
// (adapters/server-command.ts), driven over its REST API. Its peak resident memory is read from /proc:
// the export workers are threads of the same process, so VmHWM covers them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_SERVER_ARGS } from '../adapters/server-command.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bench-admin-token';
const API = '/rest/datapipeline/latest';
// Starting compiles the TypeScript; a busy machine needs a while.
const START_TIMEOUT_MS = 60_000;
// Everything exported, whatever the seeded dates: the same rows the database's own dumps read.
export const FROM_DATE = '2000-01-01T00:00Z';

export interface SluiceServer {
  pid: number;
  /** Where its exports are written: `<exportRoot>/<jobId>/`. */
  exportRoot: string;
  api(path: string, init?: RequestInit): Promise<{ status: number; body: any }>;
  /** Peak resident set of the whole process (all worker threads included), in bytes. */
  peakRssBytes(): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/** How an export is paced: the impact budget, or (an expert's override) a fixed share of the machine's cores. */
export interface Pace {
  budget: number;
  fixedShare?: number;
}

export const paceLabel = (pace: Pace) => (pace.fixedShare === undefined ? `budget ${pace.budget}` : `fixed share ${pace.fixedShare}`);

export async function startSluice(databaseUrl: string, pace: Pace): Promise<SluiceServer> {
  const home = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? home,
    DATABASE_URL: databaseUrl,
    PIPELINE_HOME: home,
    PORT: String(port),
    HOST: '127.0.0.1',
    SLUICE_TOKENS: TOKEN,
    SLUICE_IMPACT_BUDGET: String(pace.budget),
    ...(pace.fixedShare === undefined ? {} : { SLUICE_FIXED_SHARE: String(pace.fixedShare) }),
    SLUICE_MIN_FREE_DISK: '0',
    NODE_ID: 'bench',
  };
  const child = spawn(process.execPath, NODE_SERVER_ARGS, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (output += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (output += t));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await waitFor(
    () => /Listening on /.test(output),
    child,
    () => output,
  );
  const base = `http://127.0.0.1:${port}`;
  return {
    pid: child.pid!,
    exportRoot: join(home, 'data-pipeline', 'export'),
    async api(path, init = {}) {
      const headers = { authorization: `Bearer ${TOKEN}`, 'x-atlassian-token': 'no-check' };
      const response = await fetch(`${base}${API}${path}`, { ...init, headers });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    peakRssBytes: () => statusKb(child.pid!, 'VmHWM').then((kb) => kb * 1024),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      await rm(home, { recursive: true, force: true });
    },
  };
}

async function waitFor(ready: () => boolean, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!ready()) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Cannot start Sluice for the benchmark; its output:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  if (!match) throw new Error(`Cannot read ${field} of process ${pid}`);
  return Number(match[1]);
}
