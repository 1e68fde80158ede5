// The export worker as one pre-built JavaScript file. A thread that loads the TypeScript sources
// through tsx pays for the loader's hooks on every module (mysql2 alone is a hundred files): about
// 0.8 s of CPU per thread on a small machine, five threads per export, all of it taken from the site
// the export is meant to spare. One bundled file loads in a few tens of milliseconds without tsx.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildWithEsbuild } from './build-with-esbuild.ts';

export interface WorkerScript {
  /** What Piscina loads. */
  filename: string;
  /** The threads' Node flags: none for the bundle, the parent's (tsx) for the sources. */
  execArgv: string[] | undefined;
  dispose(): Promise<void>;
}

// CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
const REQUIRE_SHIM = "import { createRequire as __sluiceRequire } from 'node:module'; const require = __sluiceRequire(import.meta.url);";

/** Bundles `entry` with its dependencies; falls back to loading the sources when esbuild is unavailable. */
export async function bundleWorker(entry: URL): Promise<WorkerScript> {
  const sources: WorkerScript = { filename: entry.href, execArgv: undefined, dispose: async () => undefined };
  if (!entry.pathname.endsWith('.ts')) return sources;
  let dir: string | null = null;
  try {
    dir = await mkdtemp(join(tmpdir(), 'sluice-worker-'));
    const outfile = join(dir, 'export-task.mjs');
    await buildWithEsbuild({
      entryPoints: [fileURLToPath(entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: REQUIRE_SHIM },
      logLevel: 'silent',
    });
    const built = dir;
    return { filename: pathToFileURL(outfile).href, execArgv: [], dispose: () => rm(built, { recursive: true, force: true }) };
  } catch {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    return sources;
  }
}
