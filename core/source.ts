// The narrow view of a site's database that entity definitions read through. Only adapters/sources
// know a driver; entities see tables, quoting and parameterised queries with `?` placeholders.

export type Dialect = 'mysql' | 'postgres';
export type Cell = string | null;
export type DbRow = Record<string, unknown>;

export interface Db {
  readonly dialect: Dialect;
  /** The table's quoted name as the catalog spells it, or null when the site has no such table. */
  table(name: string): string | null;
  /** A quoted identifier (for AO tables, whose columns are upper case and quoted on PostgreSQL). */
  id(name: string): string;
  query(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<DbRow[]>;
  /**
   * The same query's rows as a block of cells (core/row-block.ts), where the driver can hand them over
   * without making row objects; queryRows() makes one from query() where it cannot.
   */
  rows?(sql: string, params?: readonly unknown[]): Promise<RowBlock>;
  /**
   * CPU the database has spent serving this connection so far, in ms, where this machine can read it (a
   * database on the same host); absent or null elsewhere.
   */
  cpuMs?(): number | null;
}

export interface QueryOptions {
  /**
   * Result columns the driver may hand over as UTF-8 bytes (Uint8Array) instead of strings: page bodies
   * go to the file as the database sent them. A driver that cannot simply returns strings.
   */
  bytes?: readonly string[];
}

/**
 * A query's rows as cells, not objects (made by core/row-block.ts). A driver that can hands over one buffer of
 * the cells' UTF-8 bytes (`bytes`) and each cell's bounds in it (`bounds`: start and end, row by row, start
 * -1 for NULL), so a cell that goes to the file unchanged is copied byte for byte and never becomes a string.
 * Blocks made from row objects hold values instead, and have no `bytes` or `bounds`.
 */
export interface RowBlock {
  readonly length: number;
  /** Cells a row. */
  readonly width: number;
  readonly bytes: Uint8Array | null;
  readonly bounds: Int32Array | null;
  /** The index of a column by its name in the query. An empty block knows no names and answers 0. */
  column(name: string): number;
  isNull(row: number, column: number): boolean;
  /** The cell as text (its UTF-8 decoded), or null. */
  text(row: number, column: number): string | null;
  /** The cell as the CSV writer takes it; bytes are a view of the block, valid as long as it is. */
  value(row: number, column: number): string | Uint8Array | null;
  /** The cell as a number (plain integers read from the bytes without a string), NaN for NULL. */
  number(row: number, column: number): number;
  /** Whether the cell's text is exactly `ascii` (an ASCII literal such as a content type). */
  equals(row: number, column: number, ascii: string): boolean;
}

/** Opens a Db for a worker or the kernel; each call is its own connection. */
export type OpenDb = () => Promise<Db & { close(): Promise<void> }>;

export function placeholders(count: number): string {
  return new Array(count).fill('?').join(',');
}

/** Text or UTF-8 bytes, as a query with `bytes` returns them: either goes into a CSV cell as it is. */
export function textOrBytes(value: unknown): string | Uint8Array | null {
  return value instanceof Uint8Array ? value : text(value);
}

// A leading U+FEFF is text like any other, as the drivers keep it in the strings they decode: a key that
// starts with one must still match.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 bytes as text, as the drivers decode them (invalid bytes as replacement characters, U+FEFF kept). */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Driver values to cell text: ids may arrive as strings (bigints), text as strings or buffers. */
export function text(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return decodeUtf8(value);
  return String(value);
}

export function requireTable(db: Db, name: string): string {
  const table = db.table(name);
  if (table === null) throw new Error(`Cannot find table ${name} in the site's database`);
  return table;
}
