// What crosses the thread boundary: plain data only (errors lose their class, so failures are values).
import type { Product } from '../config.ts';
import type { LineBreakRule } from '../csv.ts';
import type { ReadContext } from '../entities/entity.ts';
import type { PaceMessage } from '../pacing/pacer.ts';
import type { CostBasis } from '../pacing/plan.ts';
import type { Checkpoint, EntityCpu, GovernorView } from './status.ts';

/**
 * What a pool's thread is warmed with when the server starts: the first rows of its entity, read and
 * written the way an export reads and writes them (an entity task is one, with its file and pacing).
 */
export interface WarmTask {
  product: Product;
  entity: string;
  /** Warming: every row from the first (warmingContext, core/job/plan-entities.ts); exporting, the job's. */
  ctx: ReadContext;
  lineBreak: LineBreakRule;
  databaseUrl: string;
}

export interface EntityTask extends WarmTask {
  dir: string;
  fileName: string;
  pacing: TaskPacing;
  /**
   * Carry on from this checkpoint: the `.partial` file is there, cut back to `bytes` (a resumed job moved it in),
   * and the next chunk starts after its key. Absent: the file is written from its header.
   */
  resume?: Checkpoint;
}

/** How a task is paced, as the pacer admits it (core/job/run-pacing.ts). */
export interface TaskPacing {
  /** Its first instructions; later ones arrive as messages. */
  first: PaceMessage;
  /** Whether its duty cycle counts wall-clock time or CPU. */
  costBasis: CostBasis;
  /**
   * A fixed share's CPU cores. Each running entity is charged its part (duty cycle / cores) of everything this
   * process spends, the HTTP server and the runtime's own threads included. Absent: all of it.
   */
  budgetCores?: number;
  /**
   * The entity's thread works at the lowest CPU priority (an export under a budget): when the site's threads
   * want a core they get it first, so the export takes what they leave idle. Absent: normal priority.
   */
  background?: boolean;
}

export type EntityOutcome =
  | { ok: true; rows: number; scanned: number; bytes: number; durationMs: number; file: string }
  | {
      ok: false;
      code: 'cancelled' | 'disk' | 'source' | 'file' | 'internal';
      message: string;
      /** How far its `.partial` file, which it leaves for a resume, is synced to disk; absent when nothing is. */
      checkpoint?: Checkpoint;
    };

export interface ProgressReport {
  rows: number;
  bytes: number;
  governor: GovernorView;
  cpu: EntityCpu;
  /** The latest checkpoint, once its bytes are synced to disk. */
  checkpoint?: Checkpoint;
}

/** Messages the kernel sends a running task. */
export type ControlMessage = { type: 'cancel' } | PaceMessage;

export const PARTIAL_SUFFIX = '.partial';

/** A task's pacing at budget 1: no pauses, no holds. */
export const FLAT_OUT: TaskPacing = { first: { type: 'pace', dutyCycle: 1, hold: false, reason: null }, costBasis: 'wall' };
