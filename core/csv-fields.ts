// One CSV field's bytes, quoted and escaped as SPEC section 5 says: from a string, from UTF-8 bytes, from a
// span of a block's bytes, or from a body whose character references are decoded as it is written.
import type { ByteSink } from './byte-sink.ts';
import type { Cell } from './source.ts';

export interface LineBreakRule {
  preserve: boolean;
  escape: string;
}

/** Text as a string, or as UTF-8 bytes straight from the database. */
export type CsvCell = Cell | Uint8Array;

/**
 * Character references in UTF-8 text (core/entities/html-entities.ts): where the one at an `&` ends (-1 when
 * none starts there) and what it stands for (a code point, UTF-8 bytes, or null when it stays as written);
 * `decodeAll` decodes a whole text at once.
 */
export interface ReferenceDecoder {
  end(bytes: Uint8Array, amp: number): number;
  value(bytes: Uint8Array, amp: number, end: number): number | Uint8Array | null;
  decodeAll(bytes: Uint8Array): Uint8Array;
}

/**
 * A view of the same bytes whose indexOf is the fastest this runtime has. Node's Buffer searches natively
 * (memchr): 0.1 µs for a 5 KB page body against 2 µs for a plain Uint8Array's indexOf in V8, and the
 * writer searches every body four or five times. The default keeps the bytes as they are.
 */
export type Searchable = (bytes: Uint8Array) => Uint8Array;

const SPECIAL = /[",\r\n]/;
const LINE_BREAK = /\r\n|\r|\n/g;
const QUOTES = /"/g;
const [QUOTE, COMMA, CR, LF, AMPERSAND] = [0x22, 0x2c, 0x0d, 0x0a, 0x26];
// A block's cells up to this long are scanned for special bytes here; longer ones by indexOf on a view of
// them, whose native search outruns this loop once the view is paid for (bodies, descriptions).
const SHORT_CELL = 64;

/** One field's bytes into the sink, quoted and escaped by the rule: a cell, or a span of a block's bytes. */
export function createFieldWriter(sink: ByteSink, rule: LineBreakRule, searchable: Searchable) {
  const encoder = new TextEncoder();
  // `$` is special in a replacement string; the escape is inserted literally.
  const escapeText = rule.escape.replace(/\$/g, '$$$$');
  const escapeQuoted = encoder.encode(rule.escape.replace(QUOTES, '""'));
  const escapeIsSpecial = SPECIAL.test(rule.escape);

  const textField = (cell: string) => {
    if (!SPECIAL.test(cell)) return sink.text(cell);
    const text = rule.preserve ? cell : cell.replace(LINE_BREAK, escapeText);
    sink.text(SPECIAL.test(text) ? `"${text.replace(QUOTES, '""')}"` : text);
  };

  const escaped = createEscaper(sink, rule, encoder.encode(rule.escape), escapeQuoted);

  const bytesField = (bytes: Uint8Array) => {
    const cell = searchable(bytes);
    const quote = cell.indexOf(QUOTE);
    const lf = cell.indexOf(LF);
    const cr = cell.indexOf(CR);
    const breaks = lf !== -1 || cr !== -1;
    // The same decision as for a string: quoted when the text, line breaks escaped, holds a special character.
    const quoted = quote !== -1 || (breaks && (rule.preserve || escapeIsSpecial)) || cell.indexOf(COMMA) !== -1;
    if (!quoted && !breaks) return sink.bytes(cell);
    escaped(cell, quoted, { quote, lf, cr, amp: -1 }, null);
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

  /**
   * A text with character references, decoded and escaped in one pass: the same bytes as decoding it whole and
   * writing the result, without the decoded copy. A text that is not quoted as it stands (a reference could
   * decode to a character that makes it so), or a reference that decodes to a line break (which pairs with
   * its neighbours when escaped), takes the two steps instead.
   */
  const referencesField = (bytes: Uint8Array, decoder: ReferenceDecoder) => {
    const cell = searchable(bytes);
    const amp = cell.indexOf(AMPERSAND);
    if (amp === -1) return field(bytes);
    // Quotes, commas and line breaks in the text stay in it decoded (a reference holds none of them).
    const quote = cell.indexOf(QUOTE);
    const lf = cell.indexOf(LF);
    const cr = cell.indexOf(CR);
    const quoted = quote !== -1 || cell.indexOf(COMMA) !== -1 || ((lf !== -1 || cr !== -1) && (rule.preserve || escapeIsSpecial));
    if (!quoted || !escaped(cell, true, { quote, lf, cr, amp }, decoder)) bytesField(decoder.decodeAll(bytes));
  };

  return { field, blockField, referencesField };
}

/** Where a text's quote, line feed, carriage return and ampersand first are (-1: none, or not looked for). */
interface Specials {
  quote: number;
  lf: number;
  cr: number;
  amp: number;
}

/**
 * The one escaping loop: the text's runs copied, quotes doubled where quoted, line breaks escaped unless the
 * rule preserves them, and references decoded where a decoder is given (inside quotes only). Returns false,
 * having written nothing, when a reference decodes to a line break.
 */
function createEscaper(sink: ByteSink, rule: LineBreakRule, escapeBytes: Uint8Array, escapeQuoted: Uint8Array) {
  /** A decoded reference inside a quoted field: its quotes doubled. */
  const writeDecoded = (value: number | Uint8Array) => {
    if (typeof value === 'number') {
      if (value === QUOTE) sink.byte(QUOTE);
      return sink.codePoint(value);
    }
    for (let i = 0; i < value.length; i++) {
      if (value[i] === QUOTE) sink.byte(QUOTE);
      sink.byte(value[i]);
    }
  };

  return (cell: Uint8Array, quoted: boolean, first: Specials, decoder: ReferenceDecoder | null): boolean => {
    let { quote, lf, cr, amp } = first;
    if (!quoted) quote = -1;
    if (rule.preserve) lf = cr = -1;
    const escape = quoted ? escapeQuoted : escapeBytes;
    const mark = sink.length;
    if (quoted) sink.byte(QUOTE);
    let from = 0;
    for (;;) {
      const at = nearest(nearest(quote, lf, cr), amp, -1);
      if (at === -1) break;
      if (at === amp) {
        const end = decoder!.end(cell, amp);
        const value = end === -1 ? null : decoder!.value(cell, amp, end);
        amp = cell.indexOf(AMPERSAND, end === -1 ? amp + 1 : end);
        if (value === null) continue;
        if (!rule.preserve && breaksIn(value)) {
          sink.length = mark;
          return false;
        }
        sink.bytes(cell, from, at);
        writeDecoded(value);
        from = end;
        continue;
      }
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
    return true;
  };
}

function breaksIn(value: number | Uint8Array): boolean {
  return typeof value === 'number' ? value === LF || value === CR : value.includes(LF) || value.includes(CR);
}

/** The smallest of the positions that are not -1, or -1. */
function nearest(a: number, b: number, c: number): number {
  let best = a;
  if (b !== -1 && (best === -1 || b < best)) best = b;
  if (c !== -1 && (best === -1 || c < best)) best = c;
  return best;
}
