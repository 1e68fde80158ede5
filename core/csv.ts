// RFC 4180 records as SPEC section 5 fixes them: CRLF after every record, quotes only where needed,
// NULL and '' both empty, line breaks inside values escaped unless preserved.
// Hand-written rather than a general CSV library: the export formats every byte of a site's pages, and
// these few rules in one pass cost a fraction of a configurable stringifier's time and garbage.
import type { Cell } from './source.ts';

export interface LineBreakRule {
  preserve: boolean;
  escape: string;
}

const SPECIAL = /[",\r\n]/;
const LINE_BREAK = /\r\n|\r|\n/g;
const QUOTE = /"/g;

export interface CsvFormatter {
  header(columns: readonly string[]): string;
  rows(rows: readonly Cell[][]): string;
}

export function createCsvFormatter(rule: LineBreakRule): CsvFormatter {
  // `$` is special in a replacement string; the escape is inserted literally.
  const escape = rule.escape.replace(/\$/g, '$$$$');
  const field = (cell: Cell): string => {
    if (cell === null || cell === '' || !SPECIAL.test(cell)) return cell ?? '';
    const text = rule.preserve ? cell : cell.replace(LINE_BREAK, escape);
    return SPECIAL.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
  };
  const record = (cells: readonly Cell[]): string => {
    let line = cells.length === 0 ? '' : field(cells[0]);
    for (let i = 1; i < cells.length; i++) line += ',' + field(cells[i]);
    return line + '\r\n';
  };
  return {
    header: (columns) => record(columns),
    rows(rows) {
      let out = '';
      for (const row of rows) out += record(row);
      return out;
    },
  };
}
