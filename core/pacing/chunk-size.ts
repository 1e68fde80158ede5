// How many rows each chunk asks for (SPEC section 8: time-targeted chunks with a byte cap). Pure: the
// worker tells it what each chunk took; it answers with the next chunk's rows.

export interface ChunkSettings {
  /** A chunk query should take about this long: long queries hold locks and buffers the site needs. */
  targetChunkMs: number;
  /** Wide rows (page bodies) are capped by bytes, so a chunk never holds too much in memory. */
  maxChunkBytes: number;
  /** The byte cap instead while the entity is paced (a duty cycle below 1). */
  pacedChunkBytes: number;
  minRows: number;
  maxRows: number;
  initialRows: number;
}

export const CHUNK_SETTINGS: ChunkSettings = {
  // 100 ms amortises a round trip over hundreds of rows and keeps each burst of work short, so a query of
  // the site's that lands behind one waits briefly.
  targetChunkMs: 100,
  // At full speed up to twice the cores' worth of entities run at once, each reading its next chunk while
  // it writes the last: 1 MB of output (a hundred-odd pages) keeps their heaps small and flat, though a
  // chunk is held several times over (driver buffers, row objects, decoded copies, the CSV bytes).
  maxChunkBytes: 1024 * 1024,
  // A paced entity pays a fixed cost per chunk besides its rows (parsing and planning the queries, round
  // trips, cold caches after each pause) and runs alone or nearly so: its chunks may be larger.
  pacedChunkBytes: 4 * 1024 * 1024,
  minRows: 1,
  maxRows: 20_000,
  // Start small: the first chunk learns the table's row cost without risking a slow query.
  initialRows: 100,
};

export interface ChunkSizer {
  readonly rows: number;
  /** A chunk scanned `rows` in `queryMs` and wrote `bytes`; `paced` while the entity's duty cycle is below 1. */
  record(rows: number, bytes: number, queryMs: number, paced: boolean): void;
}

export function createChunkSizer(settings: ChunkSettings = CHUNK_SETTINGS): ChunkSizer {
  let rows = settings.initialRows;
  const clamp = (n: number) => Math.max(settings.minRows, Math.min(settings.maxRows, Math.floor(n)));
  return {
    get rows() {
      return rows;
    },
    record(scanned, bytes, queryMs, paced) {
      if (scanned <= 0) return;
      const perRowMs = Math.max(queryMs, 0.1) / scanned;
      const byTime = settings.targetChunkMs / perRowMs;
      const byBytes = bytes > 0 ? (paced ? settings.pacedChunkBytes : settings.maxChunkBytes) / (bytes / scanned) : Number.POSITIVE_INFINITY;
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
