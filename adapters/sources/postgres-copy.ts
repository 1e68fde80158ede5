// `COPY (SELECT …) TO STDOUT` through the pg client: the server formats the rows as text itself and the
// client receives them as bytes, never as a string per cell. Page bodies go to the file as these bytes,
// as they do on MySQL. pg hands each CopyData message to the active query (pg-copy-streams uses the same
// hook), so this is a query object of its own; COPY takes no parameters, so they are written as literals.
import type pg from 'pg';
import type { DbRow, RowBlock } from '../../core/source.ts';
import { fillPlaceholders } from './sql-placeholders.ts';
import { grownBounds, wholeCells } from './utf8-cells.ts';

const [TAB, LF, BACKSLASH, LETTER_N] = [0x09, 0x0a, 0x5c, 0x4e];
// What a backslash stands for in COPY's text format (the server writes these and nothing else escaped).
const ESCAPED: Record<number, number> = { 98: 0x08, 102: 0x0c, 110: 0x0a, 114: 0x0d, 116: 0x09, 118: 0x0b };
const INITIAL_BYTES = 256 * 1024;
// A cell this long or longer, or one with a backslash, is searched with Buffer's native search.
const SHORT_CELL = 48;

/** The pg client calls these as the server answers; the CopyData messages' bytes are collected in one buffer. */
class CopyOut {
  private data: Buffer;
  private length = 0;
  private failure: Error | null = null;
  readonly done: Promise<Buffer>;
  private settle!: { resolve(data: Buffer): void; reject(error: Error): void };

  constructor(
    private readonly text: string,
    sizeHint: number,
  ) {
    this.data = Buffer.allocUnsafe(Math.max(INITIAL_BYTES, sizeHint));
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    // The chunk is a view of the driver's receive buffer, which it reuses: copied at once.
    const { chunk } = message;
    if (this.length + chunk.length > this.data.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.length + chunk.length));
      this.data.copy(grown, 0, 0, this.length);
      this.data = grown;
    }
    this.length += chunk.copy(this.data, this.length);
  }

  handleError(error: Error): void {
    this.failure = error;
    this.settle.reject(error);
  }

  handleReadyForQuery(): void {
    if (this.failure === null) this.settle.resolve(this.data.subarray(0, this.length));
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

/** A parameter as an SQL literal: text quoted by the client's own escaping, NULL as NULL. */
function literal(client: pg.Client, value: unknown): string {
  return value === null || value === undefined ? 'NULL' : client.escapeLiteral(String(value));
}

// The size of each statement's last answer, and an eighth more: the next chunk's buffer is allocated once at
// about its size instead of doubling from 256 kB (each doubling a copy, and megabytes of garbage a chunk).
// Statements that differ only in how many `?` an IN list holds share a size; the sizes are forgotten
// when there are more than a few.
const lastBytes = new Map<string, number>();
const MAX_SIZES = 100;
const shapeOf = (sql: string) => sql.replace(/\?(?:\s*,\s*\?)+/g, '?');

function runCopy(client: pg.Client, sql: string, params: readonly unknown[]): Promise<Buffer> {
  const shape = shapeOf(sql);
  const copy = new CopyOut(`COPY (${fillPlaceholders(sql, (n) => literal(client, params[n]))}) TO STDOUT WITH (HEADER)`, lastBytes.get(shape) ?? 0);
  client.query(copy as unknown as pg.QueryConfig);
  return copy.done.then((data) => {
    if (lastBytes.size >= MAX_SIZES && !lastBytes.has(shape)) lastBytes.clear();
    lastBytes.set(shape, data.length + (data.length >> 3));
    return data;
  });
}

/** Runs `sql` (with `?` placeholders) as COPY with a header line, and returns its rows as a block of cells. */
export async function copyRowBlock(client: pg.Client, sql: string, params: readonly unknown[]): Promise<RowBlock> {
  return blockOfCopy(await runCopy(client, sql, params));
}

/** COPY's text format (a header line, then rows) as a block of cells. */
export function blockOfCopy(data: Buffer): RowBlock {
  const { names, count, end, bounds } = copyCells(data);
  return wholeCells(names, count, data.subarray(0, end), bounds);
}

/**
 * Finds the cells of COPY's text format and unescapes them where they lie: an escape is two bytes standing
 * for one, so the unescaped text never overtakes the text still to be read, and a cell without a backslash
 * is its own bytes. `\N` is NULL (bounds -1). The cells end before `end`; the bounds hold `count` rows of
 * `names.length` start/end pairs. Tabs, line feeds and backslashes are found by Buffer's native search, each
 * byte looked at about once per kind (a page body is kilobytes without any), and text is moved a run at a time.
 */
function copyCells(data: Buffer): { names: string[]; count: number; end: number; bounds: Int32Array } {
  const headerEnd = data.indexOf(LF);
  if (headerEnd === -1) return { names: [], count: 0, end: 0, bounds: new Int32Array(0) };
  const names = headerNames(data.subarray(0, headerEnd));
  const end = data.length;
  const next = (byte: number, from: number) => {
    const at = data.indexOf(byte, from);
    return at === -1 ? end : at;
  };
  let bounds: Int32Array = new Int32Array(Math.max(64, names.length * 2 * 64));
  let at = 0;
  let count = 0;
  let p = headerEnd + 1;
  let w = p;
  let [tab, lf, slash] = [-1, -1, -1];
  while (p < end) {
    if (at + 2 > bounds.length) bounds = grownBounds(bounds, at + 2);
    // Most cells are short and plain: read byte by byte, they end without a call to the native search.
    const stop = Math.min(end, p + SHORT_CELL);
    let cellEnd = p;
    while (cellEnd < stop && data[cellEnd] !== TAB && data[cellEnd] !== LF && data[cellEnd] !== BACKSLASH) cellEnd++;
    const shortPlain = cellEnd < stop && data[cellEnd] !== BACKSLASH;
    if (!shortPlain) {
      if (tab < p) tab = next(TAB, p);
      if (lf < p) lf = next(LF, p);
      cellEnd = Math.min(tab, lf);
    }
    if (cellEnd - p === 2 && data[p] === BACKSLASH && data[p + 1] === LETTER_N) {
      bounds[at++] = -1;
      bounds[at++] = -1;
    } else {
      bounds[at++] = w;
      if (shortPlain) {
        if (w === p) w = cellEnd;
        else for (let i = p; i < cellEnd; i++) data[w++] = data[i];
      } else {
        for (let from = p; ; ) {
          if (slash < from) slash = next(BACKSLASH, from);
          const runEnd = Math.min(slash, cellEnd);
          if (w !== from) data.copyWithin(w, from, runEnd);
          w += runEnd - from;
          if (runEnd === cellEnd) break;
          const escaped = data[runEnd + 1];
          data[w++] = ESCAPED[escaped] ?? escaped;
          from = runEnd + 2;
        }
      }
      bounds[at++] = w;
    }
    if (cellEnd === end || data[cellEnd] === LF) count++;
    p = cellEnd + 1;
  }
  return { names, count, end: w, bounds: bounds.subarray(0, at) };
}

/** The header line's column names (a name with a tab, a line break or a backslash comes escaped). */
function headerNames(line: Buffer): string[] {
  return line
    .toString('utf8')
    .split('\t')
    .map((name) => name.replace(/\\(.)/g, (_, c: string) => String.fromCharCode(ESCAPED[c.charCodeAt(0)] ?? c.charCodeAt(0))));
}

/**
 * Runs `sql` (with `?` placeholders) as COPY with a header line, and returns its rows keyed by column name:
 * the `bytes` columns as UTF-8 bytes (views of one buffer, unescaped where they lie: a page body is never
 * copied), the rest as strings, NULL as null.
 */
export async function copyRows(client: pg.Client, sql: string, params: readonly unknown[], bytes: readonly string[]): Promise<DbRow[]> {
  return rowsOfCopy(await runCopy(client, sql, params), bytes);
}

/** COPY's text format (a header line, then rows) as rows keyed by column name, the `bytes` columns as views of `data`. */
export function rowsOfCopy(data: Buffer, bytes: readonly string[]): DbRow[] {
  const { names, count, bounds } = copyCells(data);
  const asBytes = names.map((name) => bytes.includes(name));
  const rows: DbRow[] = new Array(count);
  for (let r = 0, at = 0; r < count; r++) {
    const row: DbRow = {};
    for (let c = 0; c < names.length; c++, at += 2) {
      const start = bounds[at];
      row[names[c]] = start === -1 ? null : asBytes[c] ? data.subarray(start, bounds[at + 1]) : data.toString('utf8', start, bounds[at + 1]);
    }
    rows[r] = row;
  }
  return rows;
}
