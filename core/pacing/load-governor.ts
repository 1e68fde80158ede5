// Back-off on the database's own load signals (SPEC section 8). Pure: fed one sample every few
// seconds, it learns each signal's baseline and says whether the export should pause, with hysteresis
// so a signal hovering at the threshold does not flap the export on and off.

export interface LoadSample {
  /** Queries running right now (MySQL Threads_running, PostgreSQL active backends), or null when unreadable. */
  threadsRunning: number | null;
  /** How long a trivial probe query took, or null when it failed. */
  probeMs: number | null;
}

/** Reads the database's load signals on a connection of its own, never a worker's (section 8). */
export interface LoadMonitor {
  sample(): Promise<LoadSample>;
  close(): Promise<void>;
}

export type OpenLoadMonitor = () => Promise<LoadMonitor>;

export interface LoadSettings {
  /** Samples that form the first baseline, before any verdict. */
  warmupSamples: number;
  /** A signal is "well above" its baseline past baseline × factor + margin. */
  threadsFactor: number;
  threadsMargin: number;
  probeFactor: number;
  probeMarginMs: number;
  /** Resume only once every signal is back below baseline + this share of the pause threshold's excess. */
  resumeFraction: number;
  /** Consecutive samples needed to pause and to resume: one noisy sample never flips the state. */
  confirmSamples: number;
  /** Weight of a calm sample in the moving baseline. */
  baselineWeight: number;
  /** After this many paused samples the current level is the site's new normal: rebase and resume. */
  maxPausedSamples: number;
}

export const DEFAULT_LOAD: LoadSettings = {
  warmupSamples: 3,
  // Twice the usual concurrency plus a few threads: the export's own queries (one per entity) and
  // ordinary bursts stay below it; a traffic spike or a runaway report does not.
  threadsFactor: 2,
  threadsMargin: 4,
  // A trivial query three times slower than usual, and by more than 5 ms, means users wait.
  probeFactor: 3,
  probeMarginMs: 5,
  resumeFraction: 0.5,
  confirmSamples: 2,
  // About 20 samples (a minute at one every 3 s) to follow a slow drift of the site's normal load.
  baselineWeight: 0.05,
  // 200 samples at one every 3 s: ten minutes. The duty cycle still bounds the export's share after that.
  maxPausedSamples: 200,
};

export interface LoadVerdict {
  paused: boolean;
  /** Why the export is paused, for the job status; null when running. */
  reason: string | null;
}

export interface LoadGovernor {
  observe(sample: LoadSample): LoadVerdict;
  readonly baseline: { threadsRunning: number | null; probeMs: number | null };
}

type Signal = 'threadsRunning' | 'probeMs';

export function createLoadGovernor(settings: LoadSettings = DEFAULT_LOAD): LoadGovernor {
  const warmup: LoadSample[] = [];
  const baseline: Record<Signal, number | null> = { threadsRunning: null, probeMs: null };
  let paused = false;
  let reason: string | null = null;
  let streak = 0;
  let pausedSamples = 0;

  const limits = (signal: Signal) => {
    const base = baseline[signal]!;
    const [factor, margin] = signal === 'threadsRunning' ? [settings.threadsFactor, settings.threadsMargin] : [settings.probeFactor, settings.probeMarginMs];
    const high = base * factor + margin;
    return { high, low: base + (high - base) * settings.resumeFraction };
  };

  const excess = (sample: LoadSample, bound: 'high' | 'low'): string | null => {
    for (const signal of ['threadsRunning', 'probeMs'] as const) {
      const value = sample[signal];
      if (value === null || baseline[signal] === null || value <= limits(signal)[bound]) continue;
      return describe(signal, value, baseline[signal]!);
    }
    return null;
  };

  const learn = (sample: LoadSample, weight: number) => {
    for (const signal of ['threadsRunning', 'probeMs'] as const) {
      const value = sample[signal];
      if (value === null) continue;
      const base = baseline[signal];
      baseline[signal] = base === null ? value : base + (value - base) * weight;
    }
  };

  return {
    get baseline() {
      return { ...baseline };
    },
    observe(sample) {
      if (warmup.length < settings.warmupSamples) {
        warmup.push(sample);
        if (warmup.length === settings.warmupSamples) setMedians(baseline, warmup);
        return { paused: false, reason: null };
      }
      const high = excess(sample, 'high');
      const stillHigh = excess(sample, 'low');
      if (!paused) {
        streak = high ? streak + 1 : 0;
        if (!high) learn(sample, settings.baselineWeight);
        if (streak >= settings.confirmSamples) [paused, reason, streak, pausedSamples] = [true, high, 0, 0];
      } else {
        pausedSamples++;
        streak = stillHigh ? 0 : streak + 1;
        if (stillHigh) reason = stillHigh;
        if (pausedSamples >= settings.maxPausedSamples) learn(sample, 1);
        if (streak >= settings.confirmSamples || pausedSamples >= settings.maxPausedSamples) {
          [paused, reason, streak] = [false, null, 0];
        }
      }
      return { paused, reason };
    },
  };
}

function setMedians(baseline: Record<Signal, number | null>, samples: readonly LoadSample[]): void {
  for (const signal of ['threadsRunning', 'probeMs'] as const) {
    const values = samples
      .map((s) => s[signal])
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
    baseline[signal] = values.length === 0 ? null : values[Math.floor(values.length / 2)];
  }
}

function describe(signal: Signal, value: number, base: number): string {
  return signal === 'threadsRunning'
    ? `database busy: ${value} queries running, usually ${round(base)}`
    : `database slow: a probe query took ${round(value)} ms, usually ${round(base)} ms`;
}

const round = (n: number) => (n >= 10 ? Math.round(n) : Math.round(n * 10) / 10);
