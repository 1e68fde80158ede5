// A job that runs on a timer and never overlaps itself: a slow shared home delays the next run instead
// of doubling the work. The scheduler and auto-resume tick this way.

export interface Ticker {
  /** One run now, after any in progress; resolves when it is done. */
  tick(): Promise<void>;
  /** No run starts after this; resolves once the one in progress has ended. */
  stop(): Promise<void>;
}

export function startSerialTicker(once: () => Promise<void>, everyMs: number): Ticker {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running.then(() => (stopped ? undefined : once()));
    return running;
  };
  const timer = setInterval(() => void tick(), everyMs);
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
