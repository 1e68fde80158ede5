// An entity is data: a file, its columns and how to read one keyset chunk of it. Products are lists
// of entities, so the kernel, the workers and the governor never know which product they export.
import type { CsvRows } from '../csv.ts';
import type { Db, RowBlock } from '../source.ts';

export interface ReadContext {
  baseUrl: string;
  fromMs: number;
  /** fromDate as wall-clock time in SOURCE_TIMEZONE, for zone-less datetime columns. */
  fromLocal: string;
  timezone: string;
  /** Opted-out space keys (Confluence) or project keys (Jira). */
  optedOut: readonly string[];
  schemaVersion: number;
}

export interface Chunk {
  rows: CsvRows;
  /** The key of the last row the query scanned (written or not); the next chunk starts after it. */
  lastKey: string | null;
  /** Rows the main query returned; fewer than the limit means the entity is finished. */
  scanned: number;
}

export interface EntityDef {
  name: string;
  columns(schemaVersion: number): readonly string[];
  /** When any of these tables is missing the file is skipped with this warning instead of failing. */
  optional?: { tables: string[]; warning: { key: string; message: string } };
  /** Only exported in these schema versions (all when absent). */
  versions?: readonly number[];
  read(db: Db, ctx: ReadContext, after: string | null, limit: number): Promise<Chunk>;
  estimate(db: Db, ctx: ReadContext): Promise<number | null>;
}

/** The row lookup the governor times to feel the site's latency: a primary-key read of the product's busiest table. */
export interface ProbeDef {
  table: string;
  key: string;
  columns: readonly string[];
}

export interface ProductDef {
  product: 'confluence' | 'jira';
  schemaVersions: readonly { version: number; status: 'ACTIVE' | 'DEPRECATED' }[];
  entities: readonly EntityDef[];
  probe: ProbeDef;
}

/** Keyset condition for a chunk: nothing before the first one. */
export function afterKey(column: string, after: string | null, params: unknown[]): string {
  if (after === null) return '';
  params.push(after);
  return ` AND ${column} > ?`;
}

export function notIn(column: string, values: readonly string[], params: unknown[]): string {
  if (values.length === 0) return '';
  params.push(...values);
  return ` AND (${column} IS NULL OR ${column} NOT IN (${values.map(() => '?').join(',')}))`;
}

export function limitClause(limit: number): string {
  return ` LIMIT ${Math.max(1, Math.floor(limit))}`;
}

export function lastKeyOf(rows: readonly Record<string, unknown>[], column: string): string | null {
  return rows.length === 0 ? null : String(rows[rows.length - 1][column]);
}

export function lastKeyIn(block: RowBlock, column: number): string | null {
  return block.length === 0 ? null : block.text(block.length - 1, column);
}
