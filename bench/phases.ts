// The benchmark's measurements: Sluice at full speed next to the database's own dumps, Sluice at the
// default budget against the foreground workload, and the flat-memory check at four times the scale.
import { cpuSeconds, databasePid, startCpuWindow, type CpuUse } from './cpu-meter.ts';
import { measureExport, type ExportResult } from './measure-export.ts';
import { intoOutfile, mariadbBatch, type PeerResult } from './peers.ts';
import { startSluice } from './sluice-process.ts';
import type { ServerAddress } from './seed.ts';
import type { WindowStats, Workload } from './workload.ts';

// Sluice's progress is polled this often: often enough for the chart, rarely enough to cost nothing.
const POLL_MS = 500;
// A freshly started server finishes its start-up within this before an export is asked of it.
const SETTLE_MS = 2000;
// Each baseline window: long enough to average the workload's second-to-second wobble.
const BASELINE_MS = 20_000;

export interface Site {
  server: ServerAddress;
  database: string;
  url: string;
  product: 'confluence' | 'jira';
  /** The database's own SELECT of each entity's rows. */
  peerQueries: Record<string, string>;
}

export interface MeasuredExport extends ExportResult {
  budget: number;
  peakRssBytes: number;
  /** CPU seconds the Sluice process used from the export's start to its end. */
  cpuSeconds: number;
}

export interface FullSpeedRound {
  sluice: MeasuredExport;
  mariadbBatch: PeerResult;
  intoOutfile: PeerResult;
}

export interface ImpactRound {
  sluice: MeasuredExport;
  baseline: WindowStats & { cpu: CpuUse };
  during: WindowStats & { cpu: CpuUse };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One export on a fresh server (a cold start, as a nightly export has), with the server's peak RSS. */
export async function exportOnce(site: Site, budget: number): Promise<MeasuredExport> {
  const server = await startSluice(site.url, budget);
  try {
    // A real server starts once, not per export: its start-up (compiling, bundling the worker) stays out of the measurement.
    await sleep(SETTLE_MS);
    const before = cpuSeconds(server.pid);
    const result = await measureExport(server, POLL_MS);
    return { ...result, budget, peakRssBytes: await server.peakRssBytes(), cpuSeconds: cpuSeconds(server.pid) - before };
  } finally {
    await server.stop();
  }
}

export async function fullSpeedRounds(site: Site, rounds: number, log: (line: string) => void): Promise<FullSpeedRound[]> {
  const results: FullSpeedRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const batch = await mariadbBatch(site.server, site.database, site.peerQueries);
    const outfile = await intoOutfile(site.server, site.database, site.peerQueries);
    const sluice = await exportOnce(site, 1);
    log(
      `  round ${round}: Sluice ${sluice.totalSeconds.toFixed(2)} s, mariadb --batch ${batch.seconds.toFixed(2)} s, INTO OUTFILE ${outfile.seconds.toFixed(2)} s`,
    );
    results.push({ sluice, mariadbBatch: batch, intoOutfile: outfile });
  }
  return results;
}

const pids = (workload: Workload) => ({ database: databasePid(), workload: workload.pid });

interface Baseline {
  range: { startMs: number; endMs: number };
  cpu: CpuUse;
}

/** The workload alone for a while. */
async function baselineWindow(workload: Workload): Promise<Baseline> {
  const startMs = Date.now();
  const cpu = startCpuWindow(pids(workload));
  await sleep(BASELINE_MS);
  return { range: { startMs, endMs: Date.now() }, cpu: cpu.end(0) };
}

/** The workload during one export, from the moment it started to the moment it completed. */
async function exportWindow(site: Site, workload: Workload, budget: number): Promise<Omit<ImpactRound, 'baseline'>> {
  const cpu = startCpuWindow(pids(workload));
  const sluice = await exportOnce(site, budget);
  return { sluice, during: { ...workload.window(sluice.startMs, sluice.endMs), cpu: cpu.end(sluice.cpuSeconds) } };
}

const meanCpu = (a: CpuUse, b: CpuUse): CpuUse => ({
  database: (a.database + b.database) / 2,
  workload: (a.workload + b.workload) / 2,
  sluice: 0,
  foreign: (a.foreign + b.foreign) / 2,
});

/**
 * Baselines and exports alternate (A B A B … A) and each export is compared with the baselines on
 * either side of it taken together, so a slow drift of the machine's speed cancels out.
 */
export async function impactRounds(site: Site, workload: Workload, budget: number, rounds: number, log: (line: string) => void): Promise<ImpactRound[]> {
  const results: ImpactRound[] = [];
  let before = await baselineWindow(workload);
  for (let round = 1; round <= rounds; round++) {
    const measured = await exportWindow(site, workload, budget);
    const after = await baselineWindow(workload);
    const baseline = { ...workload.combined([before.range, after.range]), cpu: meanCpu(before.cpu, after.cpu) };
    results.push({ ...measured, baseline });
    before = after;
    log(
      `  round ${round}: export ${measured.sluice.totalSeconds.toFixed(1)} s using ${(measured.sluice.cpuSeconds / measured.sluice.totalSeconds).toFixed(2)} cores; ` +
        `foreground ${baseline.throughput.toFixed(0)} → ${measured.during.throughput.toFixed(0)} ops/s, p95 ${baseline.p95Ms.toFixed(1)} → ${measured.during.p95Ms.toFixed(1)} ms; ` +
        `other work on the machine ${baseline.cpu.foreign.toFixed(2)} / ${measured.during.cpu.foreign.toFixed(2)} cores` +
        (baseline.errors + measured.during.errors > 0 ? `; ${baseline.errors + measured.during.errors} foreground operations FAILED (a lost connection)` : ''),
    );
  }
  return results;
}

export function impactOf(round: { baseline: WindowStats; during: WindowStats }) {
  return {
    throughputDrop: 1 - round.during.throughput / round.baseline.throughput,
    p95Rise: round.during.p95Ms / round.baseline.p95Ms - 1,
  };
}
