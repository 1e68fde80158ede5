// Turning driver values into CSV cell text: dates, URLs and ids.
import { formatUtcMillis, formatUtcSeconds, localToUtcMs, wallToUtcMs } from '../dates.ts';
import type { RecordOut } from '../csv.ts';
import type { Cell, RowBlock } from '../source.ts';

const WITH_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/;
// MySQL's "zero" date, which stands for no date.
const ZERO_DATE = '0000-00-00';
const PLAIN_LENGTH = '2024-03-05 14:07:09'.length;

/** Epoch ms of a date column value: zone-less text is wall-clock time in `zone`, text with an offset is an instant. */
export function dateMs(value: unknown, zone: string): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  // DATETIME text as the drivers hand it over (`2024-03-05 14:07:09`), read without trimming or looking for an offset.
  if (typeof value === 'string' && value.length === PLAIN_LENGTH && !value.startsWith(ZERO_DATE)) {
    const ms = localToUtcMs(value, zone);
    if (!Number.isNaN(ms)) return ms;
  }
  const raw = String(value).trim();
  if (raw === '' || raw.startsWith(ZERO_DATE)) return null;
  const offset = WITH_OFFSET.exec(raw);
  if (offset && raw.length > 10) {
    const local = raw.slice(0, offset.index).trim();
    const base = localToUtcMs(local, 'UTC');
    if (offset[1] === 'Z') return base;
    const sign = offset[1][0] === '-' ? -1 : 1;
    const digits = offset[1].slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
    return base - sign * minutes * 60_000;
  }
  const ms = localToUtcMs(raw, zone);
  return Number.isNaN(ms) ? null : ms;
}

export function dateCell(value: unknown, zone: string): Cell {
  const ms = dateMs(value, zone);
  return ms === null ? null : formatUtcMillis(ms);
}

/** dateMs of a block's cell: a plain DATETIME's bytes are read where they lie, anything else as its text. */
export function blockDateMs(block: RowBlock, row: number, column: number, zone: string): number | null {
  const bounds = block.bounds;
  if (bounds !== null) {
    const at = (row * block.width + column) * 2;
    const wall = bounds[at] === -1 ? Number.NaN : plainWallMs(block.bytes!, bounds[at], bounds[at + 1]);
    if (!Number.isNaN(wall)) return wallToUtcMs(wall, zone);
  }
  return dateMs(block.text(row, column), zone);
}

export function blockDateCell(block: RowBlock, row: number, column: number, zone: string): Cell {
  const ms = blockDateMs(block, row, column, zone);
  return ms === null ? null : formatUtcMillis(ms);
}

export function blockDateCellSeconds(block: RowBlock, row: number, column: number, zone: string): Cell {
  const ms = blockDateMs(block, row, column, zone);
  return ms === null ? null : formatUtcSeconds(ms);
}

/**
 * A block's text cell cut to `max` code points, as cutCodePoints cuts it. A cell of at most `max` code points
 * (counted as the bytes that start a character) is written as the database sent it.
 */
export function writeCut(out: RecordOut, block: RowBlock, row: number, column: number, max: number): void {
  const bounds = block.bounds;
  const at = (row * block.width + column) * 2;
  if (bounds !== null && (bounds[at] === -1 || codePoints(block.bytes!, bounds[at], bounds[at + 1], max) <= max)) out.from(block, row, column);
  else out.cell(cutCodePoints(block.text(row, column), max));
}

/** The code points of UTF-8 bytes, counted up to just past `max`. */
function codePoints(bytes: Uint8Array, start: number, end: number, max: number): number {
  if (end - start <= max) return end - start;
  let count = 0;
  for (let at = start; at < end && count <= max; at++) if ((bytes[at] & 0xc0) !== 0x80) count++;
  return count;
}

const [DASH, SPACE, LETTER_T, COLON, ZERO, NINE] = [0x2d, 0x20, 0x54, 0x3a, 0x30, 0x39];

/**
 * The wall-clock ms of exactly `YYYY-MM-DD HH:MM:SS` (or with a `T`), as dateMs reads that text, from its
 * bytes; NaN for anything else, the zero date included (dateMs then reads the text).
 */
function plainWallMs(bytes: Uint8Array, start: number, end: number): number {
  if (end - start !== PLAIN_LENGTH) return Number.NaN;
  const separator = bytes[start + 10];
  if (
    bytes[start + 4] !== DASH ||
    bytes[start + 7] !== DASH ||
    (separator !== SPACE && separator !== LETTER_T) ||
    bytes[start + 13] !== COLON ||
    bytes[start + 16] !== COLON
  )
    return Number.NaN;
  const year = digits(bytes, start, 4),
    month = digits(bytes, start + 5, 2),
    day = digits(bytes, start + 8, 2);
  const hour = digits(bytes, start + 11, 2),
    minute = digits(bytes, start + 14, 2),
    second = digits(bytes, start + 17, 2);
  if ((year | month | day | hour | minute | second) < 0 || (year === 0 && month === 0 && day === 0)) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, 0);
}

function digits(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const byte = bytes[i];
    if (byte < ZERO || byte > NINE) return -1;
    value = value * 10 + (byte - ZERO);
  }
  return value;
}

export function dateCellSeconds(value: unknown, zone: string): Cell {
  const ms = dateMs(value, zone);
  return ms === null ? null : formatUtcSeconds(ms);
}

export function epochCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  const ms = Number(value);
  return Number.isFinite(ms) ? formatUtcMillis(ms) : null;
}

export function viewPageUrl(baseUrl: string, pageId: unknown): string {
  return `${baseUrl}/pages/viewpage.action?pageId=${String(pageId)}`;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * A decimal as text without trailing zeros and with every digit (`3.000000` → `3`, `0.500000` → `0.5`).
 * Drivers hand DECIMAL/NUMERIC columns over as strings; going through a JS number would lose digits.
 */
export function decimalCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  const raw = typeof value === 'string' ? value.trim() : String(value);
  const m = DECIMAL.exec(raw);
  if (!m || (m[2] === '' && !m[3])) return raw === '' ? null : raw;
  const whole = m[2].replace(/^0+(?=\d)/, '') || '0';
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const digits = fraction === '' ? whole : `${whole}.${fraction}`;
  return m[1] === '-' && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/** The first `max` code points of a text; a surrogate pair is never split. */
export function cutCodePoints(value: Cell, max: number): Cell {
  // UTF-16 length bounds the code point count from above, so short texts need no walk.
  if (value === null || value.length <= max) return value;
  let end = 0;
  for (let count = 0; count < max && end < value.length; count++) {
    const pair = isHighSurrogate(value.charCodeAt(end)) && isLowSurrogate(value.charCodeAt(end + 1));
    end += pair ? 2 : 1;
  }
  return value.slice(0, end);
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
