// The worker-side half of pacing: an entity keeps its latest instructions (core/pacing/pacer.ts) and,
// after each chunk, waits out the pause its duty cycle asks for, and any hold. New instructions take
// effect at once, in the middle of a pause too.
import type { PaceMessage } from './pacer.ts';

/** What the job status shows of one running entity's pacing (progress.<entity>.governor). */
export interface EntityPacingView {
  /** Rows the next chunk query asks for. */
  chunkRows: number;
  /** Rows written per second over the last few seconds. */
  rowsPerSecond: number;
  /** The share of wall-clock time (or, in a fixed share, CPU time) this entity works. */
  dutyCycle: number;
  /** Holding still (a quiet window, no room in the pace), and why; or why it goes slower than flat out. */
  paused: boolean;
  reason: string | null;
}

export interface EntityPace {
  readonly current: PaceMessage;
  update(message: PaceMessage): void;
  /** Calls `listener` with every new instruction (the entity shows a hold at once, though it reports per chunk). */
  onUpdate(listener: (message: PaceMessage) => void): void;
  /**
   * Waits after a chunk that cost `costMs` (wall-clock or CPU time, as the plan counts it) until working
   * again keeps this entity within its duty cycle: cost / (cost + pause) = duty cycle. Rejects with the
   * signal's reason when it aborts.
   */
  rest(costMs: number, signal: AbortSignal): Promise<void>;
}

/** The pause after a chunk that cost `costMs`, for a duty cycle (1: none; 0: until told otherwise). */
export function pauseFor(costMs: number, dutyCycle: number): number {
  if (dutyCycle >= 1) return 0;
  if (dutyCycle <= 0) return Number.POSITIVE_INFINITY;
  return (Math.max(0, costMs) * (1 - dutyCycle)) / dutyCycle;
}

export function createEntityPace(first: PaceMessage): EntityPace {
  let current = first;
  let wake: (() => void) | null = null;
  let listener: ((message: PaceMessage) => void) | null = null;
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        wake = null;
      };
      const done = () => {
        cleanUp();
        resolve();
      };
      const aborted = () => {
        cleanUp();
        reject(signal.reason);
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
      wake = done;
      signal.addEventListener('abort', aborted, { once: true });
    });
  return {
    get current() {
      return current;
    },
    update(message) {
      current = message;
      wake?.();
      listener?.(message);
    },
    onUpdate(next) {
      listener = next;
    },
    async rest(costMs, signal) {
      const from = Date.now();
      for (;;) {
        signal.throwIfAborted();
        const left = current.hold ? Number.POSITIVE_INFINITY : from + pauseFor(costMs, current.dutyCycle) - Date.now();
        if (left <= 0) return;
        await sleep(left, signal);
      }
    },
  };
}
