// The job-wide side of the impact budget (SPEC section 8): one budget split across the entities
// running right now, re-split as they finish, and the database's load signals turned into pause and
// resume messages for all of them. Workers enforce their share; this decides it.
import { createLoadGovernor, type LoadSample } from './load-governor.ts';
import type { LoadMonitor, OpenLoadMonitor, TaskHandle } from './ports.ts';

// The load is sampled this often: soon enough to back off within seconds of a spike, rarely enough
// that the sampling itself costs the site nothing.
export const LOAD_SAMPLE_MS = 3000;

export interface ImpactControl {
  /** The share each of `count` entities starting together gets. */
  initialShare(count: number): number;
  /** A task started: it obeys the current load verdict from now on. */
  add(handle: TaskHandle): void;
  /** A task ended: the others split its share. */
  remove(handle: TaskHandle): void;
  /** Starts sampling the database's load (only when the budget is below 1: a maintenance window never pauses). */
  start(): void;
  stop(): Promise<void>;
}

export interface ImpactOptions {
  budget: number;
  openMonitor?: OpenLoadMonitor;
  /** Called when the load verdict changes: the reason to pause, or null on resume. */
  onLoad(reason: string | null): void;
  sampleMs?: number;
}

const UNREADABLE: LoadSample = { threadsRunning: null, probeMs: null };

export function createImpactControl(options: ImpactOptions): ImpactControl {
  const { budget } = options;
  const running = new Set<TaskHandle>();
  const governor = createLoadGovernor();
  let reason: string | null = null;
  let stopped = false;
  let wake: (() => void) | null = null;
  let loop: Promise<void> = Promise.resolve();

  const shareOf = (count: number) => (budget >= 1 ? 1 : budget / Math.max(1, count));
  const broadcast = () => {
    for (const handle of running) handle.send(reason === null ? { type: 'resume' } : { type: 'pause', reason });
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  const watch = async (openMonitor: OpenLoadMonitor) => {
    let monitor: LoadMonitor;
    try {
      monitor = await openMonitor();
    } catch {
      // Without load signals the duty cycle alone bounds the export.
      return;
    }
    try {
      while (!stopped) {
        const verdict = governor.observe(await monitor.sample().catch(() => UNREADABLE));
        if (verdict.reason !== reason && !stopped) {
          reason = verdict.reason;
          broadcast();
          options.onLoad(reason);
        }
        await sleep(options.sampleMs ?? LOAD_SAMPLE_MS);
      }
    } finally {
      await monitor.close().catch(() => undefined);
    }
  };

  return {
    initialShare: shareOf,
    add(handle) {
      running.add(handle);
      if (reason !== null) handle.send({ type: 'pause', reason });
    },
    remove(handle) {
      if (!running.delete(handle) || budget >= 1) return;
      for (const other of running) other.send({ type: 'share', share: shareOf(running.size) });
    },
    start() {
      if (budget < 1 && options.openMonitor) loop = watch(options.openMonitor);
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
