// Rows per CPU-second per entity, Sluice and the database together, next to Atlassian's rate per core.
// The job status may say what each entity cost (progress.<entity>.cpu); without that, the CPU the
// Sluice and database processes used over the export is shared out by each entity's rows × time.
import type { MeasuredExport } from './phases.ts';
import { median } from './stats.ts';

// Atlassian's rates were measured on 32 vCPUs, under a 5% impact: their export used at most 1.6 cores.
export const ATLASSIAN_CORES = 1.6;
// Sluice should do at least ten times as much with each core.
export const PER_CORE_TARGET = 10;

export interface EntityCpuRate {
  rows: number;
  /** Sluice's and the database's CPU seconds for the entity; cpuSeconds is their sum. */
  sluiceSeconds: number;
  databaseSeconds: number;
  cpuSeconds: number;
  rowsPerCpuSecond: number;
  /** Atlassian's rows/s divided by 1.6 cores, where they published a rate for the entity. */
  atlassianPerCore: number | null;
  /** rowsPerCpuSecond over atlassianPerCore. */
  ratio: number | null;
}

export interface CpuPerRow {
  /** 'job status' or 'process CPU shared by rows × time'. */
  method: string;
  /** Which exports were measured (the idle load's, or budget 1's when the idle load did not run). */
  source: string;
  entities: Record<string, EntityCpuRate>;
}

type Split = { sluice: number; database: number };

/** Each entity's CPU seconds in one export, from the job status when it reports both halves for every entity. */
function fromStatus(e: MeasuredExport): Record<string, Split> | null {
  const out: Record<string, Split> = {};
  for (const name of Object.keys(e.entities)) {
    const cpu = e.entityCpu[name];
    if (!cpu || cpu.sluiceMs === null || cpu.databaseMs === null) return null;
    out[name] = { sluice: cpu.sluiceMs / 1000, database: cpu.databaseMs / 1000 };
  }
  return out;
}

function attributed(e: MeasuredExport): Record<string, Split> {
  const weights = Object.entries(e.entities).map(([name, r]) => [name, r.rows * r.seconds] as const);
  const sum = weights.reduce((s, [, w]) => s + w, 0);
  const share = (total: number, w: number) => (sum > 0 ? (total * w) / sum : 0);
  return Object.fromEntries(weights.map(([name, w]) => [name, { sluice: share(e.cpuSeconds, w), database: share(e.databaseCpuSeconds, w) }]));
}

export function cpuPerRow(exports: MeasuredExport[], source: string, atlassianRowsPerSecond: Record<string, number>): CpuPerRow {
  const statuses = exports.map(fromStatus);
  const useStatus = statuses.every((s) => s !== null);
  const perExport = useStatus ? (statuses as Record<string, Split>[]) : exports.map(attributed);
  const entities: Record<string, EntityCpuRate> = {};
  for (const [name, { rows }] of Object.entries(exports[0].entities)) {
    const sluiceSeconds = median(perExport.map((p) => p[name].sluice));
    const databaseSeconds = median(perExport.map((p) => p[name].database));
    const cpuSeconds = median(perExport.map((p) => p[name].sluice + p[name].database));
    const rowsPerCpuSecond = cpuSeconds > 0 ? rows / cpuSeconds : Number.POSITIVE_INFINITY;
    const atlassian = atlassianRowsPerSecond[name];
    const atlassianPerCore = atlassian === undefined ? null : atlassian / ATLASSIAN_CORES;
    entities[name] = {
      rows,
      sluiceSeconds,
      databaseSeconds,
      cpuSeconds,
      rowsPerCpuSecond,
      atlassianPerCore,
      ratio: atlassianPerCore === null ? null : rowsPerCpuSecond / atlassianPerCore,
    };
  }
  return { method: useStatus ? 'job status' : 'process CPU shared by rows × time', source, entities };
}
