// esbuild runs as one service process for the whole of Sluice's process, and stopping it fails every
// build still under way: the worker's bundle and the console's are built at the same start-up, so the
// service stops only when the last build that started is done.
import type { BuildOptions, BuildResult } from 'esbuild';

let building = 0;

/** esbuild's build(), options checked as strictly as its own signature checks them. */
export async function buildWithEsbuild<T extends BuildOptions>(options: T & { [Key in Exclude<keyof T, keyof BuildOptions>]: never }): Promise<BuildResult<T>> {
  const esbuild = await import('esbuild');
  building++;
  try {
    return await esbuild.build<T>(options);
  } finally {
    // Not needed again once the start-up bundles are built.
    if (--building === 0) await esbuild.stop();
  }
}
