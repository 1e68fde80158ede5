// The job-wide side of the impact budget (SPEC section 8). The budget is a share of the capacity the
// export shares with the site (CPU cores × time); the job's entities run side by side only as far as
// that budget allows, split it between them, re-split it as they finish, and all pause when the
// database's load signals say the site is struggling. Workers enforce their share; this decides it.
import { createLoadGovernor, type LoadSample } from './load-governor.ts';
import type { LoadMonitor, OpenLoadMonitor } from './load-governor.ts';

// The load is sampled this often: soon enough to back off within seconds of a spike, rarely enough
// that the sampling itself costs the site nothing.
export const LOAD_SAMPLE_MS = 3000;
// Each running entity gets at least a tenth of a core. Entities that share a thin budget finish one
// after another rather than all crawling together: the job takes as long either way, and each file
// is done (and its rate worth reading) sooner.
export const MIN_ENTITY_CORES = 0.1;
// The export's measured CPU is held to this part of the budget. The rest covers its cost that no clock
// here sees: the HTTP thread's share of the job, the site's cached pages its reads push out, the
// database's background work for its queries, the CPU a busy machine loses switching between more
// threads. Measured on 2 cores with the benchmark's workload (medians of 5 rounds, each round ±6%):
// the whole budget as measured CPU slowed the site by 5.0%, 80% of it by 5.4%, 60% of it by 4.3% on one
// machine and by 3.9–5.5% (three runs of 4–5 rounds) on another.
export const IMPACT_HEADROOM = 0.5;

/** What the job tells a running entity about its pace. */
export type PacingMessage = { type: 'pause'; reason: string } | { type: 'resume' } | { type: 'share'; share: number };

/** A running entity, as far as pacing is concerned: it obeys pacing messages. */
export interface Paced {
  send(message: PacingMessage): void;
}

export interface ImpactControl {
  /** The job's budget in CPU cores (0 when unlimited): what its running entities share. */
  readonly cores: number;
  /** Waits until the budget has room for one more entity; resolves with its duty cycle (1 = no pauses). */
  admit(): Promise<number>;
  /** A started task obeys the current load verdict from now on. */
  add(handle: Paced): void;
  /** An admitted entity ended (handle null when it never started): the next one may start, the rest re-split. */
  done(handle: Paced | null): void;
  /** Starts sampling the database's load (only when the budget is below 1: a maintenance window never pauses). */
  start(): void;
  stop(): Promise<void>;
}

export interface ImpactOptions {
  /** SLUICE_IMPACT_BUDGET. */
  budget: number;
  /** CPU cores the budget is a share of. */
  capacity: number;
  /**
   * This machine's cores: at most twice this many entities export at once, whatever the budget. An export
   * thread waits for the database about half the time, so two per core keep the cores busy; more add
   * memory (a heap each). Measured on 2 cores at a whole budget: 2 entities at once 2.5 s, 4 at once 2.2 s.
   */
  cores?: number;
  openMonitor?: OpenLoadMonitor;
  /** Called when the load verdict changes: the reason to pause, or null on resume. */
  onLoad(reason: string | null): void;
  sampleMs?: number;
  /** The part of the budget the measured CPU may use (IMPACT_HEADROOM unless given). */
  headroom?: number;
}

const UNREADABLE: LoadSample = { threadsRunning: null, probeMs: null };

export function createImpactControl(options: ImpactOptions): ImpactControl {
  const unlimited = options.budget >= 1;
  const cores = unlimited ? 0 : options.budget * Math.max(1, options.capacity) * (options.headroom ?? IMPACT_HEADROOM);
  const threads = Math.max(2, 2 * (options.cores ?? Number.POSITIVE_INFINITY));
  const slots = Math.min(threads, unlimited ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(cores / MIN_ENTITY_CORES + 1e-9)));
  const handles = new Set<Paced>();
  const waiting: (() => void)[] = [];
  let admitted = 0;
  const dutyCycle = () => (unlimited ? 1 : Math.min(1, cores / Math.max(1, admitted)));
  const resplit = () => {
    if (!unlimited) for (const handle of handles) handle.send({ type: 'share', share: dutyCycle() });
  };
  const load = watchLoad(options, (reason) => {
    for (const handle of handles) handle.send(reason === null ? { type: 'resume' } : { type: 'pause', reason });
  });

  return {
    cores,
    async admit() {
      if (admitted >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
      else admitted++;
      resplit();
      return dutyCycle();
    },
    add(handle) {
      handles.add(handle);
      const reason = load.reason();
      if (reason !== null) handle.send({ type: 'pause', reason });
    },
    done(handle) {
      if (handle) handles.delete(handle);
      const next = waiting.shift();
      // A freed slot passes straight to the next entity; otherwise the others share the budget.
      if (next) next();
      else admitted--;
      if (!next) resplit();
    },
    start: () => load.start(),
    stop: () => load.stop(),
  };
}

/** Samples the load every few seconds and reports verdict changes. */
function watchLoad(options: ImpactOptions, broadcast: (reason: string | null) => void) {
  const governor = createLoadGovernor();
  let reason: string | null = null;
  let stopped = false;
  let wake: (() => void) | null = null;
  let loop: Promise<void> = Promise.resolve();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const watch = async (openMonitor: OpenLoadMonitor) => {
    // A monitor whose connection fails (refused, killed, the server restarted) is opened again at the next
    // sample; meanwhile the samples are unreadable and the duty cycle alone bounds the export.
    let monitor: LoadMonitor | null = null;
    const drop = async () => {
      const old = monitor;
      monitor = null;
      await old?.close().catch(() => undefined);
    };
    try {
      while (!stopped) {
        monitor ??= await openMonitor().catch(() => null);
        const sample =
          monitor === null
            ? UNREADABLE
            : await monitor.sample().catch(async () => {
                await drop();
                return UNREADABLE;
              });
        const verdict = governor.observe(sample);
        if (verdict.reason !== reason && !stopped) {
          reason = verdict.reason;
          broadcast(reason);
          options.onLoad(reason);
        }
        await sleep(options.sampleMs ?? LOAD_SAMPLE_MS);
      }
    } finally {
      await drop();
    }
  };
  return {
    reason: () => reason,
    start() {
      if (options.budget < 1 && options.openMonitor) loop = watch(options.openMonitor);
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
