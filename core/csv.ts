// RFC 4180 records as SPEC section 5 fixes them: CRLF after every record, quotes only where needed,
// NULL and '' both empty, line breaks inside values escaped unless preserved.
// Hand-written rather than a general CSV library: the export formats every byte of a site's pages, and
// these few rules in one pass cost a fraction of a configurable stringifier's time and garbage. Cells
// that arrive as UTF-8 bytes (page bodies, a row block's cells) are written as bytes, never decoded into strings.
import { ByteSink } from './byte-sink.ts';
import { createFieldWriter, type CsvCell, type LineBreakRule, type ReferenceDecoder, type Searchable } from './csv-fields.ts';
import type { RowBlock } from './source.ts';

export type { CsvCell, LineBreakRule, ReferenceDecoder, Searchable } from './csv-fields.ts';

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
  /** The record's next cell, UTF-8 whose character references are decoded as it is written (page bodies). */
  references(bytes: Uint8Array, decoder: ReferenceDecoder): void;
  /** Ends the record. */
  end(): void;
}

/** `count` records, each written by `writeRecord` and ended after it. */
export function recordsOf(count: number, writeRecord: (out: RecordOut, row: number) => void): CsvRecords {
  return {
    count,
    write(out) {
      for (let row = 0; row < count; row++) {
        writeRecord(out, row);
        out.end();
      }
    },
  };
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

const [COMMA, CR, LF] = [0x2c, 0x0d, 0x0a];

export function createCsvWriter(rule: LineBreakRule, searchable: Searchable = (bytes) => bytes): CsvWriter {
  const sink = new ByteSink();
  const { field, blockField, referencesField } = createFieldWriter(sink, rule, searchable);

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
    references(bytes, decoder) {
      next();
      referencesField(bytes, decoder);
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
