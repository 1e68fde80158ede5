// What crosses the thread boundary: plain data only (errors lose their class, so failures are values).
import type { Product } from '../config.ts';
import type { LineBreakRule } from '../csv.ts';
import type { ReadContext } from '../entities/entity.ts';
import type { GovernorView } from './status.ts';
import type { PacingMessage } from '../pacing/impact-control.ts';

export interface EntityTask {
  product: Product;
  entity: string;
  ctx: ReadContext;
  lineBreak: LineBreakRule;
  dir: string;
  fileName: string;
  /** This entity's share of the impact budget. */
  share: number;
  /**
   * The job's whole budget in CPU cores. Each running entity is charged its part (share / budgetCores) of
   * everything this process spends, the HTTP server and the runtime's own threads included. Absent: all of it.
   */
  budgetCores?: number;
  databaseUrl: string;
}

/** How a task is paced, as the impact budget admits it (core/job/run-pacing.ts). */
export type TaskPacing = Pick<EntityTask, 'share' | 'budgetCores'>;

export type EntityOutcome =
  | { ok: true; rows: number; scanned: number; bytes: number; durationMs: number; file: string }
  | { ok: false; code: 'cancelled' | 'disk' | 'source' | 'file' | 'internal'; message: string };

export interface ProgressReport {
  rows: number;
  bytes: number;
  governor: GovernorView;
}

/** Messages the kernel sends a running task. */
export type ControlMessage = { type: 'cancel' } | PacingMessage;

export const PARTIAL_SUFFIX = '.partial';
