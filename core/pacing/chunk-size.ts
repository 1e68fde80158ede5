// How many rows each chunk asks for (SPEC section 8: time-targeted chunks with a byte cap). Pure: the
// worker tells it what each chunk took; it answers with the next chunk's rows.

export interface ChunkSettings {
  /** A chunk query should take about this long: long queries hold locks and buffers the site needs. */
  targetChunkMs: number;
  /** The query time aimed at instead while the entity is paced (never more than targetChunkMs). */
  pacedChunkMs: number;
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
  // A paced entity shares the machine with a site at work, and each of its chunks is a burst: the query,
  // then the rows' CSV, on cores the site's queries also want. The site's requests that arrive during a
  // burst queue behind it, which its tail latency shows long before its average does. Short bursts keep
  // that queue short, at the price of a fixed cost per chunk (planning the queries, round trips): on a
  // half-loaded site (an open loop at half its saturated rate) an export at a fixed share of 0.04 raised
  // the site's p95 by a median of 34% with chunks of 100 ms and up to 4 MB, and by 11% with chunks of
  // 20 ms and up to 256 kB (8 interleaved pairs, lower in 7), and wrote 13% fewer rows in the same time.
  pacedChunkMs: 20,
  pacedChunkBytes: 256 * 1024,
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
      const byTime = (paced ? Math.min(settings.pacedChunkMs, settings.targetChunkMs) : settings.targetChunkMs) / perRowMs;
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
