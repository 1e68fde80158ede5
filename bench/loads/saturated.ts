// The saturated loads: a closed-loop workload (each connection's next operation starts when its last
// one ends) on the site's own tables, or on other tables of the same server (saturated-other), with
// exports between baselines.
import type { BenchOptions } from '../options.ts';
import type { OtherTablesPlan } from '../other-tables.ts';
import { impactRounds, type ImpactRound, type Site } from '../phases.ts';
import { withWorkload, type WorkloadSpec } from '../workload.ts';

export interface SaturatedResult {
  rounds: ImpactRound[];
  /** One budget-1 export against the same workload: what a maintenance-window export costs a live site (the site's own tables only). */
  maintenance: ImpactRound[] | null;
  /** The other tables the workload read, for saturated-other. */
  other: OtherTablesPlan | null;
  series: { atMs: number; perSecond: number }[];
}

export function closedLoop(site: Site, options: BenchOptions, other: OtherTablesPlan | null = null): WorkloadSpec {
  return {
    url: site.url,
    ops: other ? { kind: 'other', tables: other.tables, rowsPerTable: other.rowsPerTable } : { kind: 'site', product: site.product },
    mode: { kind: 'closed', concurrency: options.concurrency },
  };
}

export async function saturatedLoad(
  site: Site,
  options: BenchOptions,
  log: (line: string) => void,
  other: OtherTablesPlan | null = null,
  withMaintenance = other === null,
): Promise<SaturatedResult> {
  return withWorkload(closedLoop(site, options, other), options.warmupMs, async (workload) => {
    const rounds = await impactRounds(site, workload, { budget: options.budget }, options, log);
    let maintenance: ImpactRound[] | null = null;
    if (withMaintenance) {
      log('  budget 1 against the same workload (what a maintenance-window export costs a live site):');
      maintenance = await impactRounds(site, workload, { budget: 1 }, { ...options, rounds: 1 }, log);
    }
    workload.pause();
    return { rounds, maintenance, other, series: workload.series() };
  });
}
