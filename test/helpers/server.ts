/**
 * The real server as a child process, started as `npm start` starts it (adapters/server-command.ts), on a
 * free port with its own PIPELINE_HOME. Every child is remembered so `stopAllServers()` in `after` kills
 * it even when a test fails half way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApi, type Api } from './http.ts';
import { NODE_SERVER_ARGS } from '../../adapters/server-command.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TEST_TOKEN = 'e2e-admin-token';
// A loaded 2-core machine compiles the TypeScript and opens the database before listening.
const START_TIMEOUT_MS = 60_000;
// A graceful stop may wait for an export's workers to finish their chunk before exiting.
const STOP_TIMEOUT_MS = 30_000;
// Settings a test did not ask for must not leak in from the environment running the tests.
const OWN_SETTINGS = /^(DATABASE_URL|PIPELINE_HOME|BASE_URL|PORT|HOST|NODE_ID|SLUICE_.*|SOURCE_.*|INDEX_JOURNAL_FILE|NODE_TEST_CONTEXT|NODE_OPTIONS)$/;

export interface ServerOptions {
  /** Settings for this server; `undefined` removes a default. PORT, PIPELINE_HOME and SLUICE_TOKENS default to fresh ones. */
  env?: Record<string, string | undefined>;
  /** A PIPELINE_HOME to share or reuse; a fresh temp directory otherwise. */
  home?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  home: string;
  pid: number;
  api: Api;
  /** Sends the signal and resolves with the exit code (128 + signal number when killed by one). */
  stop(signal?: NodeJS.Signals): Promise<number>;
  kill9(): Promise<number>;
  output(): string;
}

export interface ExitedProcess {
  code: number;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();
const homes = new Set<string>();

/** A port nothing listens on right now: the kernel picks it, we release it for the child. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('Cannot find a free port'))));
    });
  });
}

export async function createTempHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'sluice-e2e-'));
  homes.add(home);
  return home;
}

function childEnv(overrides: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !OWN_SETTINGS.test(name)) env[name] = value;
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

interface SpawnedSluice {
  child: ChildProcess;
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number>;
}

function spawnSluice(env: Record<string, string>): SpawnedSluice {
  const child = spawn(process.execPath, NODE_SERVER_ARGS, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let all = '';
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    all += text;
    out += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    all += text;
    err += text;
  });
  const exited = new Promise<number>((resolve) => {
    // 'close' rather than 'exit': by then the pipes are drained and output() holds the last line.
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve(code ?? 128 + signalNumber(signal));
    });
  });
  return { child, output: () => all, stdout: () => out, stderr: () => err, exited };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : constants.signals[signal];
}

/** Starts a server and resolves once it prints "Listening on"; rejects with its output if it exits or hangs. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const home = options.home ?? (await createTempHome());
  const requested = options.env ?? {};
  for (let attempt = 1; ; attempt++) {
    const port = requested.PORT ? Number(requested.PORT) : await findFreePort();
    const env = childEnv({
      SLUICE_TOKENS: TEST_TOKEN,
      SLUICE_MIN_FREE_DISK: '1MB',
      NODE_ID: 'e2e-node',
      ...requested,
      PORT: String(port),
      PIPELINE_HOME: home,
      HOST: '127.0.0.1',
    });
    const proc = spawnSluice(env);
    const outcome = await waitForListening(proc.output, proc.exited);
    if (outcome === 'listening') return running(proc, port, home);
    // Another process took the free port between the probe and the child's listen: try a new one.
    if (outcome === 'exited' && /EADDRINUSE/.test(proc.output()) && !requested.PORT && attempt < 3) continue;
    if (outcome === 'timeout') {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    throw new Error(
      `Cannot start the server (${outcome === 'timeout' ? `no "Listening on" within ${START_TIMEOUT_MS} ms` : 'it exited'}); its output:\n${proc.output()}`,
    );
  }
}

async function waitForListening(output: () => string, exited: Promise<number>): Promise<'listening' | 'exited' | 'timeout'> {
  let done = false;
  const listening = (async () => {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!done && Date.now() < deadline) {
      if (/Listening on /.test(output())) return 'listening' as const;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return 'timeout' as const;
  })();
  const result = await Promise.race([listening, exited.then(() => 'exited' as const)]);
  done = true;
  return result;
}

function running(proc: SpawnedSluice, port: number, home: string): RunningServer {
  const url = `http://127.0.0.1:${port}`;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      return await proc.exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    url,
    port,
    home,
    pid: proc.child.pid!,
    api: createApi(url, TEST_TOKEN),
    stop,
    kill9: () => stop('SIGKILL'),
    output: proc.output,
  };
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output, or kills it after `timeoutMs`. */
export async function runServerToExit(env: Record<string, string | undefined>, timeoutMs: number): Promise<ExitedProcess & { timedOut: boolean }> {
  const home = await createTempHome();
  try {
    const proc = spawnSluice(childEnv({ SLUICE_TOKENS: TEST_TOKEN, SLUICE_MIN_FREE_DISK: '1MB', PIPELINE_HOME: home, HOST: '127.0.0.1', ...env }));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      proc.child.kill('SIGKILL');
    }, timeoutMs);
    const code = await proc.exited.finally(() => clearTimeout(timer));
    return { code, stdout: proc.stdout(), stderr: proc.stderr(), timedOut };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Kills every child still running, then removes the temp homes; for `after`, so a failed test leaves nothing behind. */
export async function stopAllServers(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  await Promise.all([...homes].map((home) => rm(home, { recursive: true, force: true })));
  homes.clear();
}
