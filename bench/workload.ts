// The parent's side of the foreground workload: starts the process, and turns its latency reports into
// throughput and p95 over any window of time, and into a series for the chart.
import { fork, type ChildProcess } from 'node:child_process';
import { percentile } from './stats.ts';
import type { WorkloadSpec } from './workload-process.ts';

export type { WorkloadSpec } from './workload-process.ts';

export interface WindowStats {
  seconds: number;
  operations: number;
  /** Operations that failed (a lost connection); a window with any is suspect. */
  errors: number;
  /** Open loop: operations that found every connection busy and waited in the client (their wait still counts in p95). */
  clientQueued: number;
  throughput: number;
  /** Open loop: p95 of the wait from an operation's arrival to its start, part of p95Ms (NaN for a closed loop). */
  waitP95Ms: number;
  p95Ms: number;
}

export interface Workload {
  readonly pid: number | null;
  run(): void;
  pause(): void;
  /** Operations completed between two instants (epoch ms). */
  window(startMs: number, endMs: number): WindowStats;
  /** The same over several spans taken together. */
  combined(ranges: { startMs: number; endMs: number }[]): WindowStats;
  /** Operations per second, one point per `binMs` (a second by default). */
  series(binMs?: number): { atMs: number; perSecond: number }[];
  stop(): Promise<void>;
}

export async function startWorkload(spec: WorkloadSpec): Promise<Workload> {
  const child: ChildProcess = fork(new URL('./workload-process.ts', import.meta.url), [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  type Tick = { atMs: number; latencies: number[]; waits: number[]; errors: number; clientQueued: number };
  const ticks: Tick[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The workload process exited with ${code}`)));
    child.on('message', (message: Tick & { type: string }) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'tick')
        ticks.push({ atMs: message.atMs, latencies: message.latencies, waits: message.waits, errors: message.errors, clientQueued: message.clientQueued });
    });
  });
  child.removeAllListeners('exit');
  const inWindow = (startMs: number, endMs: number) => ticks.filter((t) => t.atMs > startMs && t.atMs <= endMs);
  // Counters are cumulative: a window's count is its last tick's less the tick before it.
  const countIn = (window: Tick[], key: 'errors' | 'clientQueued') =>
    window.length === 0 ? 0 : window[window.length - 1][key] - (ticks[ticks.indexOf(window[0]) - 1]?.[key] ?? 0);
  const stats = (ranges: { startMs: number; endMs: number }[]): WindowStats => {
    const windows = ranges.map((r) => inWindow(r.startMs, r.endMs));
    const latencies = windows.flat().flatMap((t) => t.latencies);
    const seconds = ranges.reduce((sum, r) => sum + (r.endMs - r.startMs) / 1000, 0);
    const errors = windows.reduce((sum, w) => sum + countIn(w, 'errors'), 0);
    const clientQueued = windows.reduce((sum, w) => sum + countIn(w, 'clientQueued'), 0);
    const waits = windows.flat().flatMap((t) => t.waits);
    return {
      seconds,
      operations: latencies.length,
      errors,
      clientQueued,
      throughput: latencies.length / seconds,
      p95Ms: percentile(latencies, 0.95),
      waitP95Ms: percentile(waits, 0.95),
    };
  };
  return {
    pid: child.pid ?? null,
    run: () => child.send({ type: 'run' }),
    pause: () => child.send({ type: 'pause' }),
    window: (startMs, endMs) => stats([{ startMs, endMs }]),
    combined: stats,
    series(binMs = 1000) {
      const points: { atMs: number; perSecond: number }[] = [];
      if (ticks.length === 0) return points;
      for (let start = ticks[0].atMs; start < ticks[ticks.length - 1].atMs; start += binMs) {
        const count = inWindow(start, start + binMs).reduce((sum, t) => sum + t.latencies.length, 0);
        points.push({ atMs: start + binMs, perSecond: (count * 1000) / binMs });
      }
      return points;
    },
    async stop() {
      if (!child.connected) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a workload, lets it warm up for `warmupMs`, hands it to `measure`, and stops it whatever happens. */
export async function withWorkload<T>(spec: WorkloadSpec, warmupMs: number, measure: (workload: Workload) => Promise<T>): Promise<T> {
  const workload = await startWorkload(spec);
  try {
    workload.run();
    await new Promise((resolve) => setTimeout(resolve, warmupMs));
    return await measure(workload);
  } finally {
    await workload.stop();
  }
}
