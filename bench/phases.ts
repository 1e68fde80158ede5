// The benchmark's measurements: one export on a fresh server with the CPU its span used, Sluice at full
// speed next to the database's own dumps, and the paired rounds (baselines on both sides of every
// export) that every load with a workload is measured by.
import { cpuSeconds, databaseClock, startCpuWindow, type CpuUse } from './cpu-meter.ts';
import type { FileSample } from './export-files.ts';
import { type Cut, measureExport, type ExportResult, type GovernorSample } from './measure-export.ts';
import type { Peer, PeerResult } from './peers.ts';
import type { ServerAddress } from './seed.ts';
import { paceLabel, startSluice, statusKb, type Pace } from './sluice-process.ts';
import type { WindowStats, Workload } from './workload.ts';

// Sluice's progress is polled this often: often enough for the chart, rarely enough to cost nothing.
const POLL_MS = 500;
// A freshly started server finishes its start-up within this before an export is asked of it.
const SETTLE_MS = 2000;

export interface Site {
  server: ServerAddress;
  database: string;
  /** The database as the workload and the seeds reach it. */
  url: string;
  /** The database as Sluice is given it: `url`, or the same by a host name that is not a loopback literal (--remote). */
  sluiceUrl: string;
  product: 'confluence' | 'jira';
  /** Which database Sluice exports from (the workloads always run on MariaDB). */
  engine: 'mariadb' | 'postgres';
  /** The database's own SELECT of each entity's rows. */
  peerQueries: Record<string, string>;
  /** The database's own dumps Sluice is compared with, the client's plain dump first. */
  peers: Peer[];
  /** Exports each server runs, unmeasured, before the measured one: a server that has exported before (its threads warm). */
  priorExports: number;
}

export interface MeasuredExport extends ExportResult {
  budget: number;
  pace: Pace;
  peakRssBytes: number;
  /** CPU seconds the Sluice process used from the export's start to its end. */
  cpuSeconds: number;
  /** CPU seconds the database's process used over the same span (0 when it cannot be read). */
  databaseCpuSeconds: number;
  /** Average cores over the export's span: Sluice, the database, the workload and other work. */
  cpu: CpuUse;
  /** Resident memory of the idle server before the export was asked for, and once it had ended. */
  restRssBytes: { before: number; after: number };
}

export interface FullSpeedRound {
  sluice: MeasuredExport;
  /** Each peer's dump by its label. */
  peers: Record<string, PeerResult>;
}

export type Window = WindowStats & { cpu: CpuUse };

export interface ImpactRound {
  sluice: MeasuredExport;
  baseline: Window;
  during: Window;
}

export interface ExportWatch {
  /** The workload's process, so its CPU is not counted as other work. */
  workloadPid?: number | null;
  pollMs?: number;
  onPoll?: (progressRows: number, files: FileSample) => void;
  cut?: Cut;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One export on a fresh server (after `site.priorExports` unmeasured ones), with the server's peak RSS. */
export async function exportOnce(site: Site, pace: Pace, watch: ExportWatch = {}): Promise<MeasuredExport> {
  const server = await startSluice(site.sluiceUrl, pace);
  try {
    // A real server starts once, not per export: its start-up (compiling, bundling the worker, warming the
    // export threads: seconds of CPU, longer on a busy machine) stays out of the measurement.
    await untilQuiet(server.pid);
    for (let i = 0; i < site.priorExports; i++) {
      await measureExport(server, POLL_MS);
      await sleep(SETTLE_MS);
    }
    const restBefore = (await statusKb(server.pid, 'VmRSS')) * 1024;
    const database = databaseClock(site.engine);
    const before = { sluice: cpuSeconds(server.pid), database: database() };
    const window = startCpuWindow({ database, workload: watch.workloadPid ?? null });
    const result = await measureExport(server, watch.pollMs ?? POLL_MS, watch.onPoll, watch.cut);
    const sluiceCpu = cpuSeconds(server.pid) - before.sluice;
    const databaseCpuSeconds = database() - before.database;
    // At rest again: what the server keeps between exports (warm threads, caches), after the collector had its turn.
    await sleep(SETTLE_MS);
    const restRssBytes = { before: restBefore, after: (await statusKb(server.pid, 'VmRSS')) * 1024 };
    return {
      ...result,
      budget: pace.budget,
      pace,
      peakRssBytes: await server.peakRssBytes(),
      cpuSeconds: sluiceCpu,
      databaseCpuSeconds,
      cpu: window.end(sluiceCpu),
      restRssBytes,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Waits until a process has used under a twenty-fifth of a core for two quarter seconds running (one clock
 * tick each, /proc's resolution), and at least SETTLE_MS; at most a minute.
 */
async function untilQuiet(pid: number): Promise<void> {
  const started = Date.now();
  let last = cpuSeconds(pid);
  let quiet = 0;
  while (Date.now() - started < 60_000 && (quiet < 2 || Date.now() - started < SETTLE_MS)) {
    await sleep(250);
    const now = cpuSeconds(pid);
    quiet = now - last <= 0.01 ? quiet + 1 : 0;
    last = now;
  }
}

export async function fullSpeedRounds(site: Site, rounds: number, log: (line: string) => void): Promise<FullSpeedRound[]> {
  const results: FullSpeedRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const peers: Record<string, PeerResult> = {};
    for (const peer of site.peers) peers[peer.label] = await peer.dump(site.server, site.database, site.peerQueries);
    const sluice = await exportOnce(site, { budget: 1 });
    const rows = Object.values(sluice.entities).reduce((sum, e) => sum + e.rows, 0);
    log(
      `  round ${round}: Sluice ${sluice.totalSeconds.toFixed(2)} s` +
        Object.entries(peers)
          .map(([label, p]) => `, ${label} ${p.seconds.toFixed(2)} s`)
          .join('') +
        `; CPU Sluice ${sluice.cpuSeconds.toFixed(2)} s (${((sluice.cpuSeconds / rows) * 1e6).toFixed(1)} µs/row), ` +
        `the database ${sluice.databaseCpuSeconds.toFixed(2)} s (${((sluice.databaseCpuSeconds / rows) * 1e6).toFixed(1)} µs/row); ` +
        `RSS at rest ${(sluice.restRssBytes.before / 1e6).toFixed(0)} MB before, ${(sluice.restRssBytes.after / 1e6).toFixed(0)} MB after; ` +
        `peak ${(sluice.peakRssBytes / 1e6).toFixed(0)} MB`,
    );
    results.push({ sluice, peers });
  }
  return results;
}

export interface Baseline {
  range: { startMs: number; endMs: number };
  cpu: CpuUse;
}

/** The workload alone for a while. */
export async function baselineWindow(workload: Workload, ms: number): Promise<Baseline> {
  const startMs = Date.now();
  const cpu = startCpuWindow({ database: databaseClock('mariadb'), workload: workload.pid });
  await sleep(ms);
  return { range: { startMs, endMs: Date.now() }, cpu: cpu.end(0) };
}

const meanCpu = (a: CpuUse, b: CpuUse): CpuUse => ({
  database: (a.database + b.database) / 2,
  workload: (a.workload + b.workload) / 2,
  sluice: 0,
  foreign: (a.foreign + b.foreign) / 2,
});

/** The workload over the baselines on either side of an export, taken together. */
export const pairedBaseline = (workload: Workload, before: Baseline, after: Baseline): Window => ({
  ...workload.combined([before.range, after.range]),
  cpu: meanCpu(before.cpu, after.cpu),
});

export function roundLine(round: number, r: ImpactRound): string {
  const { sluice, baseline, during } = r;
  const failed = baseline.errors + during.errors;
  const queued = during.clientQueued + baseline.clientQueued;
  return (
    `  round ${round}: export ${sluice.totalSeconds.toFixed(1)} s using ${(sluice.cpuSeconds / sluice.totalSeconds).toFixed(2)} cores; ` +
    `foreground ${baseline.throughput.toFixed(0)} → ${during.throughput.toFixed(0)} ops/s, p95 ${baseline.p95Ms.toFixed(1)} → ${during.p95Ms.toFixed(1)} ms` +
    (Number.isNaN(baseline.waitP95Ms) ? '; ' : ` (of it waiting to start: ${baseline.waitP95Ms.toFixed(1)} → ${during.waitP95Ms.toFixed(1)} ms); `) +
    `other work on the machine ${baseline.cpu.foreign.toFixed(2)} / ${during.cpu.foreign.toFixed(2)} cores` +
    (queued > 0 ? `; ${queued} operations waited for a free connection in the client` : '') +
    governorSeen(sluice.governor) +
    (failed > 0 ? `; ${failed} foreground operations FAILED (a lost connection)` : '')
  );
}

/** What the governor measured while it steered: the median of the slowdowns it showed, and its pace. */
function governorSeen(samples: readonly GovernorSample[]): string {
  const steering = samples.filter((s) => s.state === 'steering');
  const slowdowns = steering.flatMap((s) => (s.slowdown === null ? [] : [s.slowdown])).sort((a, b) => a - b);
  if (slowdowns.length === 0) return '';
  const paces = steering.map((s) => s.pace).sort((a, b) => a - b);
  const median = (values: number[]) => values[Math.floor(values.length / 2)];
  return `; the governor saw the site ${(median(slowdowns) * 100).toFixed(1)}% slower (median of ${slowdowns.length} polls), pace ${median(paces).toFixed(2)}`;
}

/**
 * Baselines and exports alternate (A B A B … A) and each export is compared with the baselines on
 * either side of it taken together, so a slow drift of the machine's speed cancels out.
 */
export async function impactRounds(
  site: Site,
  workload: Workload,
  pace: Pace,
  { rounds, windowMs }: { rounds: number; windowMs: number },
  log: (line: string) => void,
): Promise<ImpactRound[]> {
  const results: ImpactRound[] = [];
  let before = await baselineWindow(workload, windowMs);
  for (let round = 1; round <= rounds; round++) {
    const sluice = await exportOnce(site, pace, { workloadPid: workload.pid });
    const during = { ...workload.window(sluice.startMs, sluice.endMs), cpu: sluice.cpu };
    const after = await baselineWindow(workload, windowMs);
    const result = { sluice, baseline: pairedBaseline(workload, before, after), during };
    results.push(result);
    before = after;
    log(roundLine(round, result) + (pace.fixedShare === undefined ? '' : ` (${paceLabel(pace)})`));
  }
  return results;
}

export function impactOf(round: { baseline: WindowStats; during: WindowStats }) {
  return {
    throughputDrop: 1 - round.during.throughput / round.baseline.throughput,
    p95Rise: round.during.p95Ms / round.baseline.p95Ms - 1,
  };
}
