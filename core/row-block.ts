// A query's rows as cells, not objects. A driver that can hands over one buffer of the cells' UTF-8 bytes
// and each cell's bounds in it, so a cell that goes to the file unchanged is copied byte for byte and never
// becomes a string (120,000 event rows were 840,000 strings and 120,000 objects, a third of that thread's
// time spent collecting them). Drivers that hand over row objects fill the same block with strings, so an
// entity reads every database one way.
import { decodeUtf8, text, textOrBytes, type Db, type DbRow, type QueryOptions, type RowBlock } from './source.ts';

type Value = string | Uint8Array | null;

const [MINUS, ZERO, NINE] = [0x2d, 0x30, 0x39];
// Plain integers up to this many digits are exact as doubles (2^53 has 16 digits).
const EXACT_DIGITS = 15;

export class CellBlock implements RowBlock {
  private constructor(
    readonly length: number,
    private readonly names: readonly string[],
    /** Cells a row. */
    readonly width: number,
    /** The cells' UTF-8 bytes (validated), or null when the cells are values. */
    readonly bytes: Uint8Array | null,
    /** Two entries a cell, row by row: its start and end in `bytes`; a NULL has start -1. */
    readonly bounds: Int32Array | null,
    /** One entry a cell, row by row, when the driver handed over values. */
    private readonly values: readonly Value[] | null,
  ) {}

  /** Cells as bytes: `bounds` holds `length × names.length` start/end pairs into `bytes`. */
  static ofBytes(names: readonly string[], length: number, bytes: Uint8Array, bounds: Int32Array): RowBlock {
    return new CellBlock(length, names, names.length, bytes, bounds, null);
  }

  /**
   * A driver's row objects, cells as text() makes them; the `bytes` columns keep the UTF-8 bytes the driver
   * handed over for them (QueryOptions.bytes).
   */
  static ofObjects(rows: readonly DbRow[], bytes: readonly string[] = []): RowBlock {
    const names = rows.length === 0 ? [] : Object.keys(rows[0]);
    const keepBytes = names.map((name) => bytes.includes(name));
    const values: Value[] = new Array(rows.length * names.length);
    let at = 0;
    for (const row of rows) for (let c = 0; c < names.length; c++) values[at++] = keepBytes[c] ? textOrBytes(row[names[c]]) : text(row[names[c]]);
    return new CellBlock(rows.length, names, names.length, null, null, values);
  }

  /** The index of a column by its name in the query. An empty block knows no names and answers 0. */
  column(name: string): number {
    const index = this.names.indexOf(name);
    if (index === -1 && this.length > 0) throw new Error(`Cannot find column ${name} in the query's result`);
    return Math.max(0, index);
  }

  isNull(row: number, column: number): boolean {
    const cell = row * this.width + column;
    return this.bounds === null ? this.values![cell] === null : this.bounds[cell * 2] === -1;
  }

  /** The cell as text (its UTF-8 decoded), or null. */
  text(row: number, column: number): string | null {
    const cell = row * this.width + column;
    if (this.bounds === null) {
      const value = this.values![cell];
      return value === null || typeof value === 'string' ? value : decodeUtf8(value);
    }
    const start = this.bounds[cell * 2];
    return start === -1 ? null : decodeUtf8(this.bytes!.subarray(start, this.bounds[cell * 2 + 1]));
  }

  /** The cell as the CSV writer takes it; bytes are a view of the block, valid as long as it is. */
  value(row: number, column: number): Value {
    const cell = row * this.width + column;
    if (this.bounds === null) return this.values![cell];
    const start = this.bounds[cell * 2];
    return start === -1 ? null : this.bytes!.subarray(start, this.bounds[cell * 2 + 1]);
  }

  /** The cell as a number: plain integers are read from the bytes without a string; anything else as Number() reads its text. NaN for NULL. */
  number(row: number, column: number): number {
    const cell = row * this.width + column;
    if (this.bounds === null) {
      const value = this.values![cell];
      return value === null ? Number.NaN : Number(typeof value === 'string' ? value : decodeUtf8(value));
    }
    const start = this.bounds[cell * 2];
    if (start === -1) return Number.NaN;
    const end = this.bounds[cell * 2 + 1];
    const bytes = this.bytes!;
    const negative = bytes[start] === MINUS;
    const first = negative ? start + 1 : start;
    if (end > first && end - first <= EXACT_DIGITS) {
      let n = 0;
      let at = first;
      for (; at < end && bytes[at] >= ZERO && bytes[at] <= NINE; at++) n = n * 10 + (bytes[at] - ZERO);
      if (at === end) return negative ? -n : n;
    }
    return Number(decodeUtf8(bytes.subarray(start, end)));
  }

  /** Whether the cell's text is exactly `ascii` (an ASCII literal such as a content type). */
  equals(row: number, column: number, ascii: string): boolean {
    const cell = row * this.width + column;
    if (this.bounds === null) return this.text(row, column) === ascii;
    const start = this.bounds[cell * 2];
    if (start === -1 || this.bounds[cell * 2 + 1] - start !== ascii.length) return false;
    for (let i = 0; i < ascii.length; i++) if (this.bytes![start + i] !== ascii.charCodeAt(i)) return false;
    return true;
  }
}

/**
 * A query's rows as a block of cells. Only integer, text and date columns belong in such a query: a driver
 * that hands over bytes gives the database's own text, where a row object would hold a number or a parsed
 * value. The `bytes` columns stay bytes either way.
 */
export function queryRows(db: Db, sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<RowBlock> {
  if (db.rows) return db.rows(sql, params);
  return db.query(sql, params, options).then((rows) => CellBlock.ofObjects(rows, options.bytes));
}
