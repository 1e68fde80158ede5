// The worker-side half of pacing: an entity keeps its latest instructions (core/pacing/pacer.ts) and,
// after each chunk, waits out the pause its duty cycle asks for, and any hold. New instructions take
// effect at once, in the middle of a pause too.
import type { PaceMessage } from './pacer.ts';

export interface EntityPace {
  readonly current: PaceMessage;
  update(message: PaceMessage): void;
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
