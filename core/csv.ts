// RFC 4180 records as SPEC section 5 fixes them: CRLF after every record, quotes only where needed,
// NULL and '' both empty, line breaks inside values escaped unless preserved.
import { stringify } from 'csv-stringify/sync';
import type { Cell } from './source.ts';

export interface LineBreakRule {
  preserve: boolean;
  escape: string;
}

const LINE_BREAK = /\r\n|\r|\n/g;
// csv-stringify only quotes on its record delimiter (CRLF); a lone CR or LF must be quoted too.
const OPTIONS = { record_delimiter: '\r\n', quoted_match: /[\r\n]/ } as const;

export interface CsvFormatter {
  header(columns: readonly string[]): string;
  rows(rows: readonly Cell[][]): string;
}

export function createCsvFormatter(rule: LineBreakRule): CsvFormatter {
  const clean = rule.preserve
    ? (cell: Cell) => cell ?? ''
    : (cell: Cell) => (cell === null ? '' : cell.replace(LINE_BREAK, rule.escape));
  return {
    header: (columns) => stringify([columns.map((c) => clean(c))], OPTIONS),
    rows: (rows) => (rows.length === 0 ? '' : stringify(rows.map((row) => row.map(clean)), OPTIONS)),
  };
}
