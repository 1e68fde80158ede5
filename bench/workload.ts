// The parent's side of the foreground workload: starts the process, and turns its latency reports into
// throughput and p95 over any window of time, and into a series for the chart.
import { fork, type ChildProcess } from 'node:child_process';
import { percentile } from './stats.ts';

export interface WindowStats {
  seconds: number;
  operations: number;
  /** Operations that failed (a lost connection); a window with any is suspect. */
  errors: number;
  throughput: number;
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
  /** Operations per second, one point per second. */
  series(): { atMs: number; perSecond: number }[];
  stop(): Promise<void>;
}

export async function startWorkload(url: string, concurrency: number, product: 'confluence' | 'jira'): Promise<Workload> {
  const child: ChildProcess = fork(new URL('./workload-process.ts', import.meta.url), [JSON.stringify({ url, concurrency, product })], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ticks: { atMs: number; latencies: number[]; errors: number }[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The workload process exited with ${code}`)));
    child.on('message', (message: { type: string; atMs: number; latencies: number[]; errors: number }) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'tick') ticks.push({ atMs: message.atMs, latencies: message.latencies, errors: message.errors });
    });
  });
  child.removeAllListeners('exit');
  const inWindow = (startMs: number, endMs: number) => ticks.filter((t) => t.atMs > startMs && t.atMs <= endMs);
  const errorsIn = (window: typeof ticks) => (window.length === 0 ? 0 : window[window.length - 1].errors - (ticks[ticks.indexOf(window[0]) - 1]?.errors ?? 0));
  const stats = (ranges: { startMs: number; endMs: number }[]): WindowStats => {
    const windows = ranges.map((r) => inWindow(r.startMs, r.endMs));
    const latencies = windows.flat().flatMap((t) => t.latencies);
    const seconds = ranges.reduce((sum, r) => sum + (r.endMs - r.startMs) / 1000, 0);
    const errors = windows.reduce((sum, w) => sum + errorsIn(w), 0);
    return { seconds, operations: latencies.length, errors, throughput: latencies.length / seconds, p95Ms: percentile(latencies, 0.95) };
  };
  return {
    pid: child.pid ?? null,
    run: () => child.send({ type: 'run' }),
    pause: () => child.send({ type: 'pause' }),
    window: (startMs, endMs) => stats([{ startMs, endMs }]),
    combined: stats,
    series() {
      const points: { atMs: number; perSecond: number }[] = [];
      if (ticks.length === 0) return points;
      for (let start = ticks[0].atMs; start < ticks[ticks.length - 1].atMs; start += 1000) {
        const count = inWindow(start, start + 1000).reduce((sum, t) => sum + t.latencies.length, 0);
        points.push({ atMs: start + 1000, perSecond: count });
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
