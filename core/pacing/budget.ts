// The impact governor's arithmetic (SPEC section 8). Pure: the worker feeds it measurements and obeys
// its answers (how many rows to ask for next, how long to pause before asking).

export interface GovernorSettings {
  /** Share of the shared capacity this entity may use, after splitting the budget across running entities. */
  share: number;
  /** A chunk query should take about this long; long queries hold locks and buffers the site needs. */
  targetChunkMs: number;
  /** Wide rows (page bodies) are capped by bytes so one chunk never holds too much in memory. */
  maxChunkBytes: number;
  /** The byte cap instead while the entity is paced (a share below 1). */
  pacedChunkBytes: number;
  minRows: number;
  maxRows: number;
  initialRows: number;
  /** The database runs on this machine, so this process's own work takes capacity from the site too. */
  sharesHost: boolean;
}

export const DEFAULT_GOVERNOR: Omit<GovernorSettings, 'share' | 'sharesHost'> = {
  // 100 ms amortises a round trip over hundreds of rows and keeps each burst of work short, so a
  // foreground query that lands behind one waits briefly.
  targetChunkMs: 100,
  // At full speed up to twice the cores' worth of entities run at once, each reading its next chunk while
  // it writes the last: 1 MB of output (a hundred-odd pages) keeps their heaps small and flat, though a
  // chunk is held several times over (driver buffers, row objects, decoded copies, the CSV bytes).
  maxChunkBytes: 1024 * 1024,
  // A paced entity pays a fixed cost for every chunk besides its rows (the queries' parsing and planning,
  // round trips, a cold start after each pause) out of a thin budget, and runs alone or nearly so: its
  // chunks may be larger. Measured against 1 MB at the default budget on 2 cores (scale 5, no workload):
  // pages 423–534 → 553–574 rows/s, comments 1,851–2,293 → 2,232–2,493, and no more impact on the
  // benchmark's workload. At full speed, 4 MB chunks took peak RSS at 4× the scale 34% higher.
  pacedChunkBytes: 4 * 1024 * 1024,
  minRows: 1,
  maxRows: 20_000,
  // Start small: the first chunk learns the table's row cost without risking a slow query.
  initialRows: 100,
};

export interface ChunkMeasure {
  /** Rows the chunk query scanned (the LIMIT applies to these). */
  rows: number;
  /** Bytes the chunk wrote. */
  bytes: number;
  /** Time spent waiting for the database: what the site pays for. */
  queryMs: number;
  /** Time spent decoding, formatting and writing in this process. */
  processMs: number;
  /**
   * CPU the chunk really cost this machine: the export thread's and the database thread's that served it,
   * or null where they cannot be read (a remote database, no /proc). Wall-clock time over-counts on a busy
   * machine, where a thread waits for a core most of the time it is "busy".
   */
  cpuMs: number | null;
}

export interface Governor {
  readonly chunkRows: number;
  readonly share: number;
  /** The kernel re-splits the job's budget when an entity finishes. */
  setShare(share: number): void;
  /** Records a finished chunk; returns the pause to take before the next one. */
  record(measure: ChunkMeasure): number;
}

export function createGovernor(settings: GovernorSettings): Governor {
  let chunkRows = settings.initialRows;
  let share = settings.share;
  const clamp = (n: number) => Math.max(settings.minRows, Math.min(settings.maxRows, Math.floor(n)));
  return {
    get chunkRows() {
      return chunkRows;
    },
    get share() {
      return share;
    },
    setShare(next) {
      share = Math.min(1, Math.max(next, 1e-6));
    },
    record({ rows, bytes, queryMs, processMs, cpuMs }) {
      if (rows > 0) chunkRows = clamp(nextChunkRows(chunkRows, rows, bytes, queryMs, share, settings));
      if (share >= 1) return 0;
      // The duty cycle: cost / (time taken + pause) = share, with the cost measured as CPU where it can be.
      const costMs = cpuMs ?? queryMs + (settings.sharesHost ? processMs : 0);
      return (costMs * (1 - share)) / share;
    },
  };
}

function nextChunkRows(current: number, rows: number, bytes: number, queryMs: number, share: number, settings: GovernorSettings): number {
  const perRowMs = Math.max(queryMs, 0.1) / rows;
  const byTime = settings.targetChunkMs / perRowMs;
  const byBytes = bytes > 0 ? (share >= 1 ? settings.maxChunkBytes : settings.pacedChunkBytes) / (bytes / rows) : Number.POSITIVE_INFINITY;
  const wanted = Math.min(byTime, byBytes);
  // Grow gently (at most doubling) and shrink at once: a slow chunk is felt by the site right away.
  return wanted < current ? wanted : Math.min(wanted, current * 2);
}

/**
 * What one chunk cost the machine in CPU: this entity's part of everything the export's process spent
 * since the last chunk (entities running side by side split it as they split the budget), plus the
 * database thread's CPU for the chunk. Null when either cannot be read.
 */
export function chunkCpuMs(processMs: number | null, databaseMs: number | null, share: number, budgetCores?: number): number | null {
  if (processMs === null || databaseMs === null) return null;
  const part = budgetCores ? Math.min(1, share / budgetCores) : 1;
  return processMs * part + databaseMs;
}

/** True when a database URL points at this machine, whose CPUs the export then shares with the site. */
export function isLocalDatabase(url: string): boolean {
  const host = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?]*)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  return host === '' || host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/** Rows per second over a sliding window: the rate an administrator sees is the current one, not the average. */
export function createRateMeter(windowMs: number, startMs: number) {
  const marks: { atMs: number; rows: number }[] = [];
  const trim = (atMs: number) => {
    while (marks.length > 0 && marks[0].atMs <= atMs - windowMs) marks.shift();
  };
  return {
    add(rows: number, atMs: number) {
      marks.push({ atMs, rows });
      trim(atMs);
    },
    perSecond(atMs: number): number {
      trim(atMs);
      const spanMs = Math.min(windowMs, atMs - startMs);
      const rows = marks.reduce((sum, m) => sum + m.rows, 0);
      return spanMs <= 0 ? 0 : Math.round((rows * 1000) / spanMs);
    },
  };
}
