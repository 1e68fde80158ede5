// This machine's CPU, from Linux's /proc: where the database runs here, what the site leaves idle and
// what it uses, beside what this process (the export) uses.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { processCpuMs } from './sources/cpu-time.ts';

interface Totals {
  idle: number;
  all: number;
  /** This process's CPU so far, in ms (null where it cannot be read). */
  ownMs: number | null;
  atMs: number;
}

function readTotals(): Totals | null {
  try {
    const fields = readFileSync('/proc/stat', 'latin1').split('\n')[0].split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are time no task wanted a core.
    const idle = fields[3] + fields[4];
    const all = fields.slice(0, 8).reduce((sum, n) => sum + (Number.isFinite(n) ? n : 0), 0);
    return Number.isFinite(idle) && all > 0 ? { idle, all, ownMs: processCpuMs(), atMs: performance.now() } : null;
  } catch {
    return null;
  }
}

/** The machine's CPU between two calls, in cores. */
export interface MachineCpu {
  /** Cores no task wanted. */
  idleCores: number;
  /** Cores some task used: the site's and the export's. */
  busyCores: number;
  /** Cores this process used, or null where that cannot be read. */
  ownCores: number | null;
  /** How long the span was, in ms. */
  spanMs: number;
}

/** The machine's CPU between calls, or null where /proc/stat cannot be read (not Linux). */
export function createMachineCpu(cores = availableParallelism()) {
  let last = readTotals();
  return {
    /** Whether /proc/stat could be read: samples will follow. */
    readable: last !== null,
    sample(): MachineCpu | null {
      const now = readTotals();
      if (now === null || last === null || now.all <= last.all) return null;
      const idleCores = ((now.idle - last.idle) / (now.all - last.all)) * cores;
      const spanMs = now.atMs - last.atMs;
      const ownCores = now.ownMs === null || last.ownMs === null || spanMs <= 0 ? null : (now.ownMs - last.ownMs) / spanMs;
      last = now;
      return { idleCores, busyCores: cores - idleCores, ownCores, spanMs };
    },
  };
}
