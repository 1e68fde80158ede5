// RFC 4180 records as SPEC section 5 fixes them: CRLF after every record, quotes only where needed,
// NULL and '' both empty, line breaks inside values escaped unless preserved.
// Hand-written rather than a general CSV library: the export formats every byte of a site's pages, and
// these few rules in one pass cost a fraction of a configurable stringifier's time and garbage. Cells
// that arrive as UTF-8 bytes (page bodies) are written as bytes, never decoded into strings.
import { ByteSink } from './byte-sink.ts';
import type { Cell, RowBlock } from './source.ts';

export interface LineBreakRule {
  preserve: boolean;
  escape: string;
}

/** Text as a string, or as UTF-8 bytes straight from the database. */
export type CsvCell = Cell | Uint8Array;

/**
 * Records an entity writes cell by cell, for rows read as a RowBlock: a cell the database sent as it goes to
 * the file is copied from the block's bytes, with no array or string for it.
 */
export interface CsvRecords {
  readonly count: number;
  write(out: RecordOut): void;
}

export interface RecordOut {
  /** The record's next cell. */
  cell(value: CsvCell): void;
  /** The record's next cell, the block's cell as the database sent it. */
  from(block: RowBlock, row: number, column: number): void;
  /** The record's next cell, text known to be ASCII without a special character (a date, a number), or null. */
  plain(text: string | null): void;
  /** Ends the record. */
  end(): void;
}

/** A chunk's records: arrays of cells, or records written cell by cell. */
export type CsvRows = readonly (readonly CsvCell[])[] | CsvRecords;

export function rowCount(rows: CsvRows): number {
  return isCellArrays(rows) ? rows.length : rows.count;
}

function isCellArrays(rows: CsvRows): rows is readonly (readonly CsvCell[])[] {
  return Array.isArray(rows);
}

export interface CsvWriter {
  header(columns: readonly string[]): Uint8Array;
  /** The records' UTF-8: a view of a buffer the next call reuses, so write it out before asking for more. */
  rows(rows: CsvRows): Uint8Array;
}

const SPECIAL = /[",\r\n]/;
const LINE_BREAK = /\r\n|\r|\n/g;
const QUOTES = /"/g;
const [QUOTE, COMMA, CR, LF] = [0x22, 0x2c, 0x0d, 0x0a];
// A block's cells up to this long are scanned for special bytes here; longer ones by indexOf on a view of
// them, whose native search outruns this loop once the view is paid for (bodies, descriptions).
const SHORT_CELL = 64;

/**
 * A view of the same bytes whose indexOf is the fastest this runtime has. Node's Buffer searches natively
 * (memchr): 0.1 µs for a 5 KB page body against 2 µs for a plain Uint8Array's indexOf in V8, and the
 * writer searches every body four times. The default keeps the bytes as they are.
 */
export type Searchable = (bytes: Uint8Array) => Uint8Array;

export function createCsvWriter(rule: LineBreakRule, searchable: Searchable = (bytes) => bytes): CsvWriter {
  const sink = new ByteSink();
  const { field, blockField } = createFieldWriter(sink, rule, searchable);

  const record = (cells: readonly CsvCell[]) => {
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) sink.byte(COMMA);
      field(cells[i]);
    }
    sink.byte(CR);
    sink.byte(LF);
  };

  let firstCell = true;
  const next = () => {
    if (!firstCell) sink.byte(COMMA);
    firstCell = false;
  };
  const out: RecordOut = {
    cell(value) {
      next();
      field(value);
    },
    from(block, row, column) {
      next();
      const bounds = block.bounds;
      if (bounds === null) return field(block.value(row, column));
      const at = (row * block.width + column) * 2;
      if (bounds[at] !== -1) blockField(block.bytes!, bounds[at], bounds[at + 1]);
    },
    plain(text) {
      next();
      if (text !== null) sink.ascii(text);
    },
    end() {
      sink.byte(CR);
      sink.byte(LF);
      firstCell = true;
    },
  };

  return {
    header(columns) {
      sink.reset();
      record(columns);
      return sink.copy();
    },
    rows(rows) {
      sink.reset();
      if (isCellArrays(rows)) for (const row of rows) record(row);
      else {
        firstCell = true;
        rows.write(out);
      }
      return sink.view();
    },
  };
}

/** One field's bytes into the sink, quoted and escaped by the rule: a cell, or a span of a block's bytes. */
function createFieldWriter(sink: ByteSink, rule: LineBreakRule, searchable: Searchable) {
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

  const bytesField = (bytes: Uint8Array) => {
    const cell = searchable(bytes);
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

  /** Bytes from start to end, copied as they are unless they hold a special byte (scanned while copied). */
  const blockField = (bytes: Uint8Array, start: number, end: number) => {
    if (end - start > SHORT_CELL) return bytesField(bytes.subarray(start, end));
    const data = sink.reserve(end - start);
    let to = sink.length;
    for (let at = start; at < end; at++) {
      const byte = bytes[at];
      if (byte === QUOTE || byte === COMMA || byte === CR || byte === LF) return bytesField(bytes.subarray(start, end));
      data[to++] = byte;
    }
    sink.length = to;
  };

  const field = (cell: CsvCell) => {
    if (cell === null || cell.length === 0) return;
    if (typeof cell === 'string') textField(cell);
    else blockField(cell, 0, cell.length);
  };

  return { field, blockField };
}

/** The smallest of the positions that are not -1, or -1. */
function nearest(a: number, b: number, c: number): number {
  let best = a;
  if (b !== -1 && (best === -1 || b < best)) best = b;
  if (c !== -1 && (best === -1 || c < best)) best = c;
  return best;
}
