// Follows one job until it ends: redrawn progress bars on a terminal, a plain line per change (and a
// heartbeat line) otherwise.
import type { JobStatus } from '../core/job/status.ts';
import { CliError, errorsOf, type Request } from './cli-client.ts';
import { renderBars, renderPlain } from './progress-view.ts';

// Once a second is live enough for a person and nothing for the server.
const POLL_MS = 1000;
// Without a terminal a line is printed on every change of state, and at least this often.
const PLAIN_EVERY_MS = 10_000;

export interface FollowOptions {
  tty: boolean;
  columns?: number;
  print(line: string): void;
  stream: { write(text: string): boolean };
}

const ENDED = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchJob(request: Request, jobId: number): Promise<JobStatus> {
  const current = await request('GET', '/export');
  if (current.status !== 200) throw new CliError(`Cannot read the export status (HTTP ${current.status}): ${errorsOf(current.body)}`);
  if (current.body?.jobId === jobId) return current.body;
  // A newer job started after ours ended: ours is in the history.
  const page = await request('GET', '/history?offset=0&limit=100');
  const found = (page.body?.values as JobStatus[] | undefined)?.find((j) => j.jobId === jobId);
  if (!found) throw new CliError(`Cannot find job ${jobId} on the server any more`);
  return found;
}

function stateKey(job: JobStatus): string {
  return `${job.status}|${Object.entries(job.progress ?? {})
    .map(([n, p]) => `${n}:${p.state}`)
    .join(',')}`;
}

export async function followJob(request: Request, jobId: number, options: FollowOptions): Promise<JobStatus> {
  let drawn = 0;
  let lastKey = '';
  let lastPrinted = 0;
  const onInterrupt = () => {
    options.stream.write(`\nStopped following job ${jobId}; it keeps running (sluice cancel stops it)\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (;;) {
      const job = await fetchJob(request, jobId);
      const now = Date.now();
      if (options.tty) {
        // A line wider than the terminal wraps, and the redraw would then climb too few lines.
        // A pseudo-terminal without a size reports 0 columns: fall back to COLUMNS, then 120.
        const columns = Math.max(20, (options.columns || Number(process.env.COLUMNS) || 120) - 1);
        const lines = renderBars(job, now).map((line) => line.slice(0, columns));
        // Move up over the previous frame and clear each line before writing the new one.
        options.stream.write(`${drawn > 0 ? `\x1b[${drawn}F` : ''}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
        drawn = lines.length;
      } else if (stateKey(job) !== lastKey || now - lastPrinted >= PLAIN_EVERY_MS) {
        options.print(renderPlain(job, now));
        lastKey = stateKey(job);
        lastPrinted = now;
      }
      if (ENDED.has(job.status)) return job;
      await sleep(POLL_MS);
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
