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

/** The pg client calls these as the server answers; the CopyData messages' bytes are collected in one buffer. */
class CopyOut {
  private data = Buffer.allocUnsafe(INITIAL_BYTES);
  private length = 0;
  private failure: Error | null = null;
  readonly done: Promise<Buffer>;
  private settle!: { resolve(data: Buffer): void; reject(error: Error): void };

  constructor(private readonly text: string) {
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

function runCopy(client: pg.Client, sql: string, params: readonly unknown[]): Promise<Buffer> {
  const copy = new CopyOut(`COPY (${fillPlaceholders(sql, (n) => literal(client, params[n]))}) TO STDOUT WITH (HEADER)`);
  client.query(copy as unknown as pg.QueryConfig);
  return copy.done;
}

/** Runs `sql` (with `?` placeholders) as COPY with a header line, and returns its rows as a block of cells. */
export async function copyRowBlock(client: pg.Client, sql: string, params: readonly unknown[]): Promise<RowBlock> {
  return blockOfCopy(await runCopy(client, sql, params));
}

/**
 * COPY's text format (a header line, then rows) as a block. Cells are unescaped where they lie: an escape is
 * two bytes standing for one, so the unescaped text never overtakes the text still to be read, and a cell
 * without a backslash is its own bytes. `\N` is NULL.
 */
export function blockOfCopy(data: Buffer): RowBlock {
  const headerEnd = data.indexOf(LF);
  if (headerEnd === -1) return wholeCells([], 0, data.subarray(0, 0), new Int32Array(0));
  const names = (splitCells(data.subarray(0, headerEnd + 1))[0] ?? []).map((cell) => (cell === null ? '' : cell.toString('utf8')));
  let bounds: Int32Array = new Int32Array(Math.max(64, names.length * 2 * 64));
  let at = 0;
  let count = 0;
  let p = headerEnd + 1;
  let w = p;
  const end = data.length;
  while (p < end) {
    if (at + 2 > bounds.length) bounds = grownBounds(bounds, at + 2);
    if (data[p] === BACKSLASH && data[p + 1] === LETTER_N && (p + 2 === end || data[p + 2] === TAB || data[p + 2] === LF)) {
      bounds[at++] = -1;
      bounds[at++] = -1;
      p += 2;
    } else {
      bounds[at++] = w;
      for (; p < end; ) {
        const byte = data[p];
        if (byte === TAB || byte === LF) break;
        if (byte === BACKSLASH) {
          const next = data[p + 1];
          data[w++] = ESCAPED[next] ?? next;
          p += 2;
        } else {
          data[w++] = byte;
          p++;
        }
      }
      bounds[at++] = w;
    }
    if (p >= end || data[p] === LF) count++;
    p++;
  }
  return wholeCells(names, count, data.subarray(0, w), bounds.subarray(0, at));
}

/**
 * Runs `sql` (with `?` placeholders) as COPY with a header line, and returns its rows keyed by column name:
 * the `bytes` columns as UTF-8 bytes, the rest as strings, NULL as null.
 */
export async function copyRows(client: pg.Client, sql: string, params: readonly unknown[], bytes: readonly string[]): Promise<DbRow[]> {
  const data = await runCopy(client, sql, params);
  const lines = splitCells(data);
  if (lines.length === 0) return [];
  const names = lines[0].map((cell) => (cell === null ? '' : cell.toString('utf8')));
  const asBytes = names.map((name) => bytes.includes(name));
  const rows: DbRow[] = [];
  for (let r = 1; r < lines.length; r++) {
    const row: DbRow = {};
    const cells = lines[r];
    for (let i = 0; i < names.length; i++) {
      const cell = cells[i] ?? null;
      row[names[i]] = cell === null || asBytes[i] ? cell : cell.toString('utf8');
    }
    rows.push(row);
  }
  return rows;
}

/** COPY's text format split into lines of cells, each cell unescaped (a view when it has no backslash), `\N` as null. */
export function splitCells(data: Buffer): (Buffer | null)[][] {
  const lines: (Buffer | null)[][] = [];
  let cells: (Buffer | null)[] = [];
  let start = 0;
  while (start < data.length) {
    const tab = data.indexOf(TAB, start);
    const lf = data.indexOf(LF, start);
    const end = tab !== -1 && (lf === -1 || tab < lf) ? tab : lf === -1 ? data.length : lf;
    cells.push(unescape(data.subarray(start, end)));
    if (end === lf || end === data.length) {
      lines.push(cells);
      cells = [];
    }
    start = end + 1;
  }
  return lines;
}

function unescape(cell: Buffer): Buffer | null {
  let slash = cell.indexOf(BACKSLASH);
  if (slash === -1) return cell;
  if (cell.length === 2 && cell[1] === 0x4e) return null;
  const out = Buffer.allocUnsafe(cell.length);
  let length = 0;
  let from = 0;
  while (slash !== -1) {
    length += cell.copy(out, length, from, slash);
    const next = cell[slash + 1];
    out[length++] = ESCAPED[next] ?? next;
    from = slash + 2;
    slash = cell.indexOf(BACKSLASH, from);
  }
  length += cell.copy(out, length, from);
  return out.subarray(0, length);
}
