// Rows for MariaDB's LOAD DATA LOCAL INFILE in its default format: tab-separated, backslash escapes,
// \N for NULL. Shared by the site's table generators.

export interface TableLoad {
  table: string;
  columns: readonly string[];
  lines(): Iterable<string>;
}

const NULL = '\\N';
// The site's history spans these years; dates and ids grow together across it.
export const FIRST_MS = Date.UTC(2018, 0, 1);
export const LAST_MS = Date.UTC(2025, 5, 1);
export const FIRST_SPACE_ID = 10_001;

export const at = (age: number) => FIRST_MS + age * (LAST_MS - FIRST_MS);
export const datetime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
export const tsv = (value: string) => value.replace(/[\\\t\n\r]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\'));
export const line = (cells: readonly (string | number | null)[]) => cells.map((c) => (c === null ? NULL : String(c))).join('\t') + '\n';

/** Joins generated lines into ~256 kB strings: fewer, larger writes to the server. */
export function* batches<T>(items: Iterable<T>, toLine: (item: T) => string): Iterable<string> {
  let batch = '';
  for (const item of items) {
    batch += toLine(item);
    if (batch.length > 256 * 1024) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}
