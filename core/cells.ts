// Turning driver values into CSV cell text: dates, URLs and ids.
import { formatUtcMillis, formatUtcSeconds, localToUtcMs } from './dates.ts';
import type { Cell } from './source.ts';

const WITH_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/;

/** Epoch ms of a date column value: zone-less text is wall-clock time in `zone`, text with an offset is an instant. */
export function dateMs(value: unknown, zone: string): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  const raw = String(value).trim();
  if (raw === '' || raw.startsWith('0000-00-00')) return null;
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
