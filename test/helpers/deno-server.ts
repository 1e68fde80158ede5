/**
 * The real server on Deno as a child process: `deno task start` (deno.json) or `deno run … adapters/deno.ts`,
 * with the Deno the `deno` npm package installs, on a free port with its own PIPELINE_HOME. Each child
 * leads its own process group (a task runs Deno under Deno), so stopping signals the whole group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApi, type Api } from './http.ts';
import { DENO_V8_ARGS } from '../../adapters/server-command.ts';
import { createTempHome, findFreePort, REPO_ROOT, TEST_TOKEN } from './server.ts';

// A cold Deno transpiles the sources before it listens, and the demo builds its site on a first start.
const START_TIMEOUT_MS = 120_000;
// A graceful stop may wait for an export's workers to finish their chunk before exiting.
const STOP_TIMEOUT_MS = 30_000;
// Settings a test did not ask for must not leak in from the environment running the tests.
const OWN_SETTINGS = /^(DATABASE_URL|PIPELINE_HOME|BASE_URL|PORT|HOST|NODE_ID|SLUICE_.*|SOURCE_.*|INDEX_JOURNAL_FILE|NODE_TEST_CONTEXT|NODE_OPTIONS)$/;
export const DENO_PERMISSIONS = ['--allow-env', '--allow-net', '--allow-read', '--allow-write', '--allow-sys', '--allow-run'];

/** The Deno executable from node_modules: the install script's copy, or the platform package's own. */
export function denoExecutable(): string {
  const candidates = [join(REPO_ROOT, 'node_modules', 'deno', 'deno'), join(REPO_ROOT, 'node_modules', '@deno', 'linux-x64-glibc', 'deno')];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`Cannot find Deno in node_modules (looked at ${candidates.join(', ')}): run npm install`);
  return found;
}

export interface DenoServer {
  url: string;
  home: string;
  api: Api;
  output(): string;
  /** SIGTERM to the group; resolves with the server's exit code. */
  stop(): Promise<number>;
}

const children = new Set<ChildProcess>();

export async function startDenoServer(options: { env?: Record<string, string | undefined>; home?: string; viaTask?: boolean } = {}): Promise<DenoServer> {
  const home = options.home ?? (await createTempHome());
  const port = await findFreePort();
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !OWN_SETTINGS.test(name)) env[name] = value;
  const wanted = {
    SLUICE_TOKENS: TEST_TOKEN,
    SLUICE_MIN_FREE_DISK: '1MB',
    NODE_ID: 'deno-node',
    NO_COLOR: '1',
    ...options.env,
    PORT: String(port),
    PIPELINE_HOME: home,
    HOST: '127.0.0.1',
  };
  for (const [name, value] of Object.entries(wanted))
    if (value === undefined) delete env[name];
    else env[name] = value;
  const args = options.viaTask ? ['task', 'start'] : ['run', ...DENO_V8_ARGS, ...DENO_PERMISSIONS, 'adapters/deno.ts'];
  const child = spawn(denoExecutable(), args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  let all = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (all += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (all += text));
  const exited = new Promise<number>((resolve) =>
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 128 : 0));
    }),
  );
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!/Listening on /.test(all)) {
    const ended = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 100))]);
    if (ended !== null || Date.now() > deadline) {
      signalGroup(child, 'SIGKILL');
      throw new Error(`Cannot start the server on Deno (${ended !== null ? `it exited with ${ended}` : 'no "Listening on" in time'}); its output:\n${all}`);
    }
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    home,
    api: createApi(url, TEST_TOKEN),
    output: () => all,
    async stop() {
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

/** Kills every Deno server still running; for `after`, so a failed test never leaves one behind. */
export async function stopAllDenoServers(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          signalGroup(child, 'SIGKILL');
        }),
    ),
  );
}
