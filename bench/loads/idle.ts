// The idle load: no workload at all, as at night. The export should take nearly what it takes at
// budget 1, since nobody needs what it leaves.
import type { BenchOptions } from '../options.ts';
import { exportOnce, type MeasuredExport, type Site } from '../phases.ts';

export interface IdleResult {
  exports: MeasuredExport[];
}

export async function idleLoad(site: Site, options: BenchOptions, log: (line: string) => void): Promise<IdleResult> {
  const exports: MeasuredExport[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const sluice = await exportOnce(site, { budget: options.budget });
    exports.push(sluice);
    log(
      `  round ${round}: export ${sluice.totalSeconds.toFixed(2)} s, Sluice ${sluice.cpu.sluice.toFixed(2)} cores, the database ${sluice.cpu.database.toFixed(2)} cores; ` +
        `other work on the machine ${sluice.cpu.foreign.toFixed(2)} cores`,
    );
  }
  return { exports };
}
