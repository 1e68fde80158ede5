// The half load: an open-loop workload at half the site's saturated throughput, its p95 measured from
// each operation's scheduled arrival. The governed export runs against it, then a sweep of fixed
// shares (SLUICE_FIXED_SHARE) finds the oracle: the fastest fixed pace that holds the workload's p95.
import type { BenchOptions } from '../options.ts';
import { baselineWindow, impactOf, impactRounds, type ImpactRound, type Site } from '../phases.ts';
import { IMPACT_TARGET } from '../report.ts';
import { median } from '../stats.ts';
import { withWorkload } from '../workload.ts';
import { closedLoop } from './saturated.ts';

// Far more connections than the few that saturate the database: arrivals wait in the database's queue,
// as a site's users do, not for a free connection in the client.
const OPEN_LOOP_CONNECTIONS = 32;

export interface SweepPoint {
  share: number;
  /** Empty when the sweep stopped at a larger share that already held the p95 (--full-sweep runs them all). */
  rounds: ImpactRound[];
  holds: boolean | null;
}

export interface HalfResult {
  rate: number;
  saturatedOpsPerSecond: number;
  /** Where the saturated throughput came from. */
  calibration: string;
  connections: number;
  governed: ImpactRound[];
  sweep: SweepPoint[];
  series: { atMs: number; perSecond: number }[];
}

async function calibrate(site: Site, options: BenchOptions): Promise<number> {
  // Without a saturated load to read it from, the saturated throughput is measured over one baseline window.
  return withWorkload(closedLoop(site, options), options.warmupMs, async (workload) => {
    const window = await baselineWindow(workload, options.windowMs);
    return workload.window(window.range.startMs, window.range.endMs).throughput;
  });
}

export async function halfLoad(site: Site, options: BenchOptions, saturatedBaselines: number | null, log: (line: string) => void): Promise<HalfResult> {
  const saturatedOpsPerSecond = saturatedBaselines ?? (await calibrate(site, options));
  const calibration = saturatedBaselines === null ? `a ${options.windowMs / 1000} s calibration` : "the saturated load's baselines";
  const rate = saturatedOpsPerSecond / 2;
  log(
    `  open loop at ${rate.toFixed(0)} ops/s (half of ${saturatedOpsPerSecond.toFixed(0)} ops/s from ${calibration}), ${OPEN_LOOP_CONNECTIONS} connections; ` +
      'latency from each arrival',
  );
  const spec = { url: site.url, ops: { kind: 'site', product: site.product }, mode: { kind: 'open', rate, connections: OPEN_LOOP_CONNECTIONS } } as const;
  return withWorkload(spec, options.warmupMs, async (workload) => {
    log(`  governed, budget ${options.budget}:`);
    const governed = await impactRounds(site, workload, { budget: options.budget }, options, log);
    const sweep: SweepPoint[] = [];
    // Largest share first: the first that holds is the fastest that does, and smaller ones only take longer.
    for (const share of options.sweep) {
      if (!options.fullSweep && sweep.some((p) => p.holds)) {
        sweep.push({ share, rounds: [], holds: null });
        continue;
      }
      log(`  fixed share ${share}:`);
      const rounds = await impactRounds(site, workload, { budget: options.budget, fixedShare: share }, { ...options, rounds: options.sweepRounds }, log);
      sweep.push({ share, rounds, holds: median(rounds.map((r) => impactOf(r).p95Rise)) <= IMPACT_TARGET });
    }
    workload.pause();
    return { rate, saturatedOpsPerSecond, calibration, connections: OPEN_LOOP_CONNECTIONS, governed, sweep, series: workload.series() };
  });
}
