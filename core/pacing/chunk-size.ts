// How many rows each chunk asks for (SPEC section 8: time-targeted chunks with a byte cap). Pure: the
// worker tells it what each chunk took; it answers with the next chunk's rows.

export interface ChunkSettings {
  /** A chunk query should take about this long: long queries hold locks and buffers the site needs. */
  targetChunkMs: number;
  /** Wide rows (page bodies) are capped by bytes, so a chunk never holds too much in memory. */
  maxChunkBytes: number;
  minRows: number;
  maxRows: number;
  initialRows: number;
}

export const CHUNK_SETTINGS: ChunkSettings = {
  // 100 ms amortises a round trip over hundreds of rows and keeps each burst of work short, so a query of
  // the site's that lands behind one waits briefly.
  targetChunkMs: 100,
  // Every chunk costs the database a fixed amount besides its rows (parsing and planning its queries, a
  // body and a label lookup per page chunk, round trips): reading the benchmark's pages (scale 2) one
  // after another, its CPU was 700-930 ms in chunks of 180 pages (1 MB) and 560-630 ms in chunks of 720
  // (4 MB). A chunk is held several times over (driver buffers, row objects, the CSV bytes), and at full
  // speed four entities each read their next chunk while they write the last: the server's peak RSS was
  // 424 MB at scale 2 and 497 MB at scale 8 (+17%), against 397 and 471 MB with 1 MB chunks.
  maxChunkBytes: 4 * 1024 * 1024,
  minRows: 1,
  maxRows: 20_000,
  // Start small: the first chunk learns the table's row cost without risking a slow query.
  initialRows: 100,
};

export interface ChunkSizer {
  readonly rows: number;
  /** A chunk scanned `rows` in `queryMs` and wrote `bytes`. */
  record(rows: number, bytes: number, queryMs: number): void;
}

export function createChunkSizer(settings: ChunkSettings = CHUNK_SETTINGS): ChunkSizer {
  let rows = settings.initialRows;
  const clamp = (n: number) => Math.max(settings.minRows, Math.min(settings.maxRows, Math.floor(n)));
  return {
    get rows() {
      return rows;
    },
    record(scanned, bytes, queryMs) {
      if (scanned <= 0) return;
      const perRowMs = Math.max(queryMs, 0.1) / scanned;
      const byTime = settings.targetChunkMs / perRowMs;
      const byBytes = bytes > 0 ? settings.maxChunkBytes / (bytes / scanned) : Number.POSITIVE_INFINITY;
      const wanted = Math.min(byTime, byBytes);
      // Grow gently (at most doubling) and shrink at once: a slow chunk is felt by the site right away.
      rows = clamp(wanted < rows ? wanted : Math.min(wanted, rows * 2));
    },
  };
}

/**
 * What one chunk cost the machine in CPU, for a fixed share: this entity's part of everything the
 * export's process spent since the last chunk (entities side by side split it as they split the share),
 * plus the database thread's CPU for the chunk. Null when either cannot be read.
 */
export function chunkCpuMs(processMs: number | null, databaseMs: number | null, dutyCycle: number, budgetCores?: number): number | null {
  if (processMs === null || databaseMs === null) return null;
  const part = budgetCores ? Math.min(1, dutyCycle / budgetCores) : 1;
  return processMs * part + databaseMs;
}
