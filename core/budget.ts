// The impact governor's arithmetic (SPEC section 8). Pure: the worker feeds it measurements and obeys
// its answers (how many rows to ask for next, how long to pause before asking).

export interface GovernorSettings {
  /** Share of the shared capacity this entity may use, after splitting the budget across running entities. */
  share: number;
  /** A chunk query should take about this long; long queries hold locks and buffers the site needs. */
  targetChunkMs: number;
  /** Wide rows (page bodies) are capped by bytes so one chunk never holds too much in memory. */
  maxChunkBytes: number;
  minRows: number;
  maxRows: number;
  initialRows: number;
}

export const DEFAULT_GOVERNOR: Omit<GovernorSettings, 'share'> = {
  // 200 ms is long enough to amortise a round trip and short enough that a foreground query never waits long.
  targetChunkMs: 200,
  // 16 MB keeps a worker's resident memory flat even when a chunk is all multi-megabyte bodies.
  maxChunkBytes: 16 * 1024 * 1024,
  minRows: 1,
  maxRows: 20_000,
  // Start small: the first chunk learns the table's row cost without risking a slow query.
  initialRows: 100,
};

export interface ChunkMeasure {
  rows: number;
  bytes: number;
  /** Time the chunk kept the database and this process busy (query plus formatting and writing). */
  workMs: number;
}

export interface Governor {
  readonly chunkRows: number;
  /** Records a finished chunk; returns the pause to take before the next one. */
  record(measure: ChunkMeasure): number;
}

export function createGovernor(settings: GovernorSettings): Governor {
  let chunkRows = settings.initialRows;
  const clamp = (n: number) => Math.max(settings.minRows, Math.min(settings.maxRows, Math.floor(n)));
  return {
    get chunkRows() {
      return chunkRows;
    },
    record({ rows, bytes, workMs }) {
      if (rows > 0) {
        const perRowMs = Math.max(workMs, 0.1) / rows;
        const byTime = settings.targetChunkMs / perRowMs;
        const byBytes = bytes > 0 ? settings.maxChunkBytes / (bytes / rows) : Number.POSITIVE_INFINITY;
        const wanted = Math.min(byTime, byBytes);
        // Grow gently (at most doubling) and shrink at once: a slow chunk is felt by the site right away.
        chunkRows = clamp(wanted >= chunkRows ? Math.min(wanted, chunkRows * 2) : wanted);
      }
      if (settings.share >= 1) return 0;
      return (workMs * (1 - settings.share)) / settings.share;
    },
  };
}
