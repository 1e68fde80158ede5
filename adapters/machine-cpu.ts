// This machine's idle CPU, from Linux's /proc/stat: where the database runs here, what the site leaves idle.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

interface Totals {
  idle: number;
  all: number;
}

function readTotals(): Totals | null {
  try {
    const fields = readFileSync('/proc/stat', 'latin1').split('\n')[0].split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are time no task wanted a core.
    const idle = fields[3] + fields[4];
    const all = fields.slice(0, 8).reduce((sum, n) => sum + (Number.isFinite(n) ? n : 0), 0);
    return Number.isFinite(idle) && all > 0 ? { idle, all } : null;
  } catch {
    return null;
  }
}

/** Idle cores between calls, or null where /proc/stat cannot be read (not Linux). */
export function createMachineCpu(cores = availableParallelism()) {
  let last = readTotals();
  return {
    idleCores(): number | null {
      const now = readTotals();
      if (now === null || last === null || now.all <= last.all) return null;
      const idle = ((now.idle - last.idle) / (now.all - last.all)) * cores;
      last = now;
      return idle;
    },
  };
}
