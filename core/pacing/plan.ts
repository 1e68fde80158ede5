// How fast an export may go, decided once per job from the settings (SPEC section 8) and passed whole to
// everything that paces: the job-side pacer, the governor and each entity's worker.
//
// One name per idea:
// - budget: SLUICE_IMPACT_BUDGET, the most the site may slow down (a fraction; 1 = no limit);
// - share: SLUICE_FIXED_SHARE, a fixed share of the machine's cores (the expert override);
// - pace: how much export work runs at once, in entities working flat out (0.5 = one entity working
//   half of the time, 3 = three entities without pauses); the governor steers it;
// - duty cycle: one entity's part of the pace, the share of wall-clock time it works.

/** Whether an entity's work is counted as CPU (where the machine can tell) or as wall-clock time. */
export type CostBasis = 'wall' | 'cpu';

export type PacingPlan =
  /** Budget 1, the maintenance window: every entity at once, no pauses, nothing measured. */
  | { mode: 'unlimited'; maxEntities: number }
  /** SLUICE_FIXED_SHARE: `cores` of CPU (share × the machine's cores) split between running entities. */
  | { mode: 'fixed'; share: number; cores: number; maxEntities: number; costBasis: CostBasis }
  /** The governor: measures the site and takes what it leaves idle while the slowdown stays under the budget. */
  | { mode: 'governed'; budget: number; maxEntities: number };

export interface PacingSettings {
  /** SLUICE_IMPACT_BUDGET. */
  budget: number;
  /** SLUICE_FIXED_SHARE, or null. */
  fixedShare: number | null;
  /** This machine's CPU cores. */
  cores: number;
  /** The database runs on this machine, whose /proc tells what its connection threads spend. */
  databaseLocal: boolean;
}

// An export thread waits for the database about half the time, so two entities per core keep the cores
// busy; more would only add memory (a heap each).
const ENTITIES_PER_CORE = 2;

export function createPacingPlan(settings: PacingSettings): PacingPlan {
  const maxEntities = Math.max(2, ENTITIES_PER_CORE * Math.max(1, Math.floor(settings.cores)));
  if (settings.budget >= 1) return { mode: 'unlimited', maxEntities };
  if (settings.fixedShare !== null) {
    const cores = settings.fixedShare * Math.max(1, settings.cores);
    return { mode: 'fixed', share: settings.fixedShare, cores, maxEntities, costBasis: settings.databaseLocal ? 'cpu' : 'wall' };
  }
  return { mode: 'governed', budget: settings.budget, maxEntities };
}

/** True when a database URL points at this machine, whose CPUs the export then shares with the site. */
export function isLocalDatabase(url: string): boolean {
  const host = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?]*)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  return host === '' || host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
