// Turning driver values into CSV cell text: dates, URLs and ids.
import { formatUtcMillis, formatUtcSeconds, localToUtcMs } from '../dates.ts';
import type { Cell } from '../source.ts';

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
