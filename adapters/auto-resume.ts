// SLUICE_AUTO_RESUME: every node checks at its start, then on a timer, whether the latest export was
// interrupted by a shutdown or a crash, and if so resumes it (kernel.autoResume). Creating the resumed job
// takes the cluster-wide lock, so of the nodes that check at once exactly one starts it; the others find it
// running. A crash on another node is seen once its heartbeat is stale (the kernel's HEARTBEAT_STALE_MS).
import { errorMessage } from '../core/errors.ts';
import type { Kernel } from '../core/job/kernel.ts';

// A stale heartbeat (30 s) is seen within this much more; a check reads a few small journal files.
export const AUTO_RESUME_TICK_MS = 5_000;

export interface AutoResume {
  /** One check now; resolves when it is done. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startAutoResume(options: { kernel: Pick<Kernel, 'autoResume'>; log(line: string): void; tickMs?: number }): AutoResume {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const once = async () => {
    try {
      const job = await options.kernel.autoResume();
      if (job) options.log(`Resumed the interrupted export of job ${job.config.resumedFrom} as job ${job.jobId}`);
    } catch (error) {
      options.log(`Cannot resume the interrupted export: ${errorMessage(error)}`);
    }
  };
  const tick = () => {
    // Checks never overlap: a slow shared home delays the next one instead of doubling the work.
    running = running.then(() => (stopped ? undefined : once()));
    return running;
  };
  const timer = setInterval(() => void tick(), options.tickMs ?? AUTO_RESUME_TICK_MS);
  void tick();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
