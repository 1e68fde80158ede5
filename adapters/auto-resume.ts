// SLUICE_AUTO_RESUME: every node checks at its start, then on a timer, whether the latest export was
// interrupted by a shutdown or a crash, and if so resumes it (kernel.autoResume). Creating the resumed job
// takes the cluster-wide lock, so of the nodes that check at once exactly one starts it; the others find it
// running. A crash on another node is seen once its heartbeat is stale (the kernel's HEARTBEAT_STALE_MS).
import { errorMessage } from '../core/errors.ts';
import type { Kernel } from '../core/job/kernel.ts';
import { startSerialTicker, type Ticker } from './serial-ticker.ts';

// A stale heartbeat (30 s) is seen within this much more; a check reads a few small journal files.
export const AUTO_RESUME_TICK_MS = 5_000;

export type AutoResume = Ticker;

export function startAutoResume(options: { kernel: Pick<Kernel, 'autoResume'>; log(line: string): void; tickMs?: number }): AutoResume {
  const once = async () => {
    try {
      const job = await options.kernel.autoResume();
      if (job) options.log(`Resumed the interrupted export of job ${job.config.resumedFrom} as job ${job.jobId}`);
    } catch (error) {
      options.log(`Cannot resume the interrupted export: ${errorMessage(error)}`);
    }
  };
  const ticker = startSerialTicker(once, options.tickMs ?? AUTO_RESUME_TICK_MS);
  void ticker.tick();
  return ticker;
}
