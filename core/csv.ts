// RFC 4180 records as SPEC section 5 fixes them: CRLF after every record, quotes only where needed,
// NULL and '' both empty, line breaks inside values escaped unless preserved.
// Hand-written rather than a general CSV library: the export formats every byte of a site's pages, and
// these few rules in one pass cost a fraction of a configurable stringifier's time and garbage. Cells
// that arrive as UTF-8 bytes (page bodies) are written as bytes, never decoded into strings.
import { ByteSink } from './byte-sink.ts';
import type { Cell } from './source.ts';

export interface LineBreakRule {
  preserve: boolean;
  escape: string;
}

/** Text as a string, or as UTF-8 bytes straight from the database. */
export type CsvCell = Cell | Uint8Array;

export interface CsvWriter {
  header(columns: readonly string[]): Uint8Array;
  /** The records' UTF-8: a view of a buffer the next call reuses, so write it out before asking for more. */
  rows(rows: readonly (readonly CsvCell[])[]): Uint8Array;
}

const SPECIAL = /[",\r\n]/;
const LINE_BREAK = /\r\n|\r|\n/g;
const QUOTES = /"/g;
const [QUOTE, COMMA, CR, LF] = [0x22, 0x2c, 0x0d, 0x0a];

export function createCsvWriter(rule: LineBreakRule): CsvWriter {
  const sink = new ByteSink();
  const encoder = new TextEncoder();
  // `$` is special in a replacement string; the escape is inserted literally.
  const escapeText = rule.escape.replace(/\$/g, '$$$$');
  const escapeBytes = encoder.encode(rule.escape);
  const escapeQuoted = encoder.encode(rule.escape.replace(QUOTES, '""'));
  const escapeIsSpecial = SPECIAL.test(rule.escape);

  const textField = (cell: string) => {
    if (!SPECIAL.test(cell)) return sink.text(cell);
    const text = rule.preserve ? cell : cell.replace(LINE_BREAK, escapeText);
    sink.text(SPECIAL.test(text) ? `"${text.replace(QUOTES, '""')}"` : text);
  };

  const bytesField = (cell: Uint8Array) => {
    let quote = cell.indexOf(QUOTE);
    let lf = cell.indexOf(LF);
    let cr = cell.indexOf(CR);
    const breaks = lf !== -1 || cr !== -1;
    // The same decision as for a string: quoted when the text, line breaks escaped, holds a special character.
    const quoted = quote !== -1 || (breaks && (rule.preserve || escapeIsSpecial)) || cell.indexOf(COMMA) !== -1;
    if (!quoted && !breaks) return sink.bytes(cell);
    if (!quoted) quote = -1;
    if (rule.preserve) lf = cr = -1;
    const escape = quoted ? escapeQuoted : escapeBytes;
    if (quoted) sink.byte(QUOTE);
    let from = 0;
    for (;;) {
      const at = nearest(quote, lf, cr);
      if (at === -1) break;
      sink.bytes(cell, from, at);
      if (at === quote) {
        sink.byte(QUOTE);
        sink.byte(QUOTE);
        from = at + 1;
        quote = cell.indexOf(QUOTE, from);
        continue;
      }
      sink.bytes(escape);
      from = cell[at] === CR && cell[at + 1] === LF ? at + 2 : at + 1;
      if (lf !== -1 && lf < from) lf = cell.indexOf(LF, from);
      if (cr !== -1 && cr < from) cr = cell.indexOf(CR, from);
    }
    sink.bytes(cell, from, cell.length);
    if (quoted) sink.byte(QUOTE);
  };

  const record = (cells: readonly CsvCell[]) => {
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) sink.byte(COMMA);
      const cell = cells[i];
      if (cell === null || cell.length === 0) continue;
      if (typeof cell === 'string') textField(cell);
      else bytesField(cell);
    }
    sink.byte(CR);
    sink.byte(LF);
  };

  return {
    header(columns) {
      sink.reset();
      record(columns);
      return sink.copy();
    },
    rows(rows) {
      sink.reset();
      for (const row of rows) record(row);
      return sink.view();
    },
  };
}

/** The smallest of the positions that are not -1, or -1. */
function nearest(a: number, b: number, c: number): number {
  let best = a;
  if (b !== -1 && (best === -1 || b < best)) best = b;
  if (c !== -1 && (best === -1 || c < best)) best = c;
  return best;
}
