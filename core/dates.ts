// Date conversions that depend on nothing but the ECMAScript Intl API, so core stays runtime-neutral.

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC, in ms, at the given instant. */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  if (zone === 'UTC') return 0;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/** Epoch ms of a zone-less `YYYY-MM-DD HH:MM:SS[.fff]` read as wall-clock time in `zone`; NaN when malformed. */
export function localToUtcMs(local: string, zone: string): number {
  let wall = plainWallMs(local);
  if (Number.isNaN(wall)) {
    const m = LOCAL_PATTERN.exec(local);
    if (!m) return Number.NaN;
    const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], millis);
  }
  return wallToUtcMs(wall, zone);
}

/** Epoch ms of a wall-clock time (as Date.UTC gives it for the clock's fields) in `zone`. */
export function wallToUtcMs(wall: number, zone: string): number {
  return zone === 'UTC' ? wall : wallToInstant(wall, zone);
}

/**
 * The common case of localToUtcMs read without a regular expression (two of these on every row of most
 * files): exactly `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS`, the way the drivers hand DATETIME over.
 * NaN for anything else, which the pattern then reads.
 */
function plainWallMs(text: string): number {
  if (text.length !== 19) return Number.NaN;
  const separator = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    (separator !== SPACE && separator !== LETTER_T) ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  )
    return Number.NaN;
  const year = digitsAt(text, 0, 4),
    month = digitsAt(text, 5, 2),
    day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2),
    minute = digitsAt(text, 14, 2),
    second = digitsAt(text, 17, 2);
  if ((year | month | day | hour | minute | second) < 0) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, 0);
}

const [DASH, SPACE, LETTER_T, COLON, ZERO] = [0x2d, 0x20, 0x54, 0x3a, 0x30];

/** The decimal number in `count` characters from `at`, or -1 when one of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

// No zone changes its offset twice within this window, so its two ends give the offsets on either side.
const TRANSITION_WINDOW_MS = 14 * 3600_000;

const DAY_MS = 24 * 3600_000;
// Resolving one wall-clock time takes several Intl calls (microseconds each, on every date of every row),
// yet a zone keeps one offset for months: per zone, the days around which it does are remembered.
const steadyDays = new Map<string, Map<number, number>>();
// Enough days for decades of dates; past it the memo starts over rather than grow without bound.
const MAX_STEADY_DAYS = 50_000;

/** As java.time resolves it: in an overlap the earlier instant, in a gap the time moved on by the gap's length. */
function wallToInstant(wall: number, zone: string): number {
  const day = Math.floor(wall / DAY_MS);
  let days = steadyDays.get(zone);
  const known = days?.get(day);
  if (known !== undefined) return wall - known;
  const instant = resolveWall(wall, zone);
  // One offset from 14 h before the day to 14 h after it (checked at both ends and at noon, so two changes
  // would have to fall within a window resolveWall already assumes holds one): the whole day resolves with it.
  const offset = zoneOffsetMs(zone, day * DAY_MS - TRANSITION_WINDOW_MS);
  const steady = offset === zoneOffsetMs(zone, day * DAY_MS + DAY_MS / 2) && offset === zoneOffsetMs(zone, (day + 1) * DAY_MS + TRANSITION_WINDOW_MS);
  if (steady && instant === wall - offset) {
    if (!days || days.size >= MAX_STEADY_DAYS) steadyDays.set(zone, (days = new Map()));
    days.set(day, offset);
  }
  return instant;
}

function resolveWall(wall: number, zone: string): number {
  const before = zoneOffsetMs(zone, wall - TRANSITION_WINDOW_MS);
  const after = zoneOffsetMs(zone, wall + TRANSITION_WINDOW_MS);
  const fits = (offset: number) => zoneOffsetMs(zone, wall - offset) === offset;
  const candidates = [before, after].filter(fits).map((offset) => wall - offset);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

/** Wall-clock `YYYY-MM-DD HH:MM:SS.fff` of an instant in `zone`, for comparing with zone-less columns. */
export function utcMsToLocal(utcMs: number, zone: string): string {
  const shifted = new Date(utcMs + zoneOffsetMs(zone, utcMs));
  return shifted.toISOString().slice(0, 23).replace('T', ' ');
}

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** ISO 8601 in this process's zone with an offset, e.g. `2021-01-13T09:01:01.917+11:00`. */
export function formatOffsetIso(date: Date, withMillis = true): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const base =
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` + `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const millis = withMillis ? `.${pad(date.getMilliseconds(), 3)}` : '';
  return `${base}${millis}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** `2024-03-05T14:07:09.000Z`, the CSV form of Confluence dates. */
export function formatUtcMillis(utcMs: number): string {
  const ms = Math.trunc(utcMs);
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return new Date(utcMs).toISOString();
  const day = dayStart(ms);
  const inDay = ms - day;
  return `${dayText(day)}${clockOf(inDay)}.${THREE_DIGITS[inDay % 1000]}Z`;
}

/** `2021-05-12T23:01:42Z`, the CSV form of Jira dates. */
export function formatUtcSeconds(utcMs: number): string {
  const ms = Math.trunc(utcMs);
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return new Date(utcMs).toISOString().slice(0, 19) + 'Z';
  const day = dayStart(ms);
  return `${dayText(day)}${clockOf(ms - day)}Z`;
}

// Every row's dates are formatted (twice a row in most files) and neighbouring rows mostly share days:
// each day's `YYYY-MM-DDT` is kept for the calls after it, and the time of day is put together from
// two- and three-digit strings, the same text as Date's toISOString without a Date for every cell.
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
// Dates reach 100 million days either side of 1970 (ECMAScript's time range); past that Date throws.
const MAX_DATE_MS = 8.64e15;
// Rows carry several dates on different days (created, updated, due …), so one remembered day misses on
// nearly every cell; a few thousand days cover years of neighbouring rows in a few hundred kB.
const DAY_TEXTS_KEPT = 4096;
const dayTexts = new Map<number, string>();

/** The start of the UTC day holding `ms`, an integer within the time range. */
function dayStart(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

/** `YYYY-MM-DDT` of the day starting at `day`, as toISOString writes it (six digits and a sign past year 9999). */
function dayText(day: number): string {
  const known = dayTexts.get(day);
  if (known !== undefined) return known;
  if (dayTexts.size >= DAY_TEXTS_KEPT) dayTexts.clear();
  const iso = new Date(day).toISOString();
  const text = iso.slice(0, iso.indexOf('T') + 1);
  dayTexts.set(day, text);
  return text;
}

function clockOf(inDay: number): string {
  const seconds = Math.floor(inDay / 1000);
  return `${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}`;
}

// yyyy-MM-ddTHH:mm[:ss[.SSS]](Z|±HH:mm), as fromDate takes it (SPEC section 2).
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{3}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of a fromDate, or null when it is not a real ISO 8601 instant with an offset. */
export function parseIsoWithOffset(raw: string): number | null {
  const m = ISO_WITH_OFFSET.exec(raw);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', ms = '000', zone] = m;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms);
  const check = new Date(wall);
  const valid = check.getUTCFullYear() === +y && check.getUTCMonth() === +mo - 1 && check.getUTCDate() === +d && +h < 24 && +mi < 60 && +s < 60;
  if (!valid) return null;
  if (zone === 'Z') return wall;
  const offH = Number(zone.slice(1, 3));
  const offM = Number(zone.slice(4, 6));
  if (offH > 18 || offM > 59) return null;
  const offset = (offH * 60 + offM) * 60_000 * (zone[0] === '-' ? -1 : 1);
  return wall - offset;
}
