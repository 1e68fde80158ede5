/** Cell helpers for the expected Jira files, written from the spec's wording (no code from core/). */
import type { Cell, Row } from '../fixtures/jira-fixture.ts';

/** Epoch ms of a wall-clock datetime in an IANA zone (fixture dates avoid DST switches). */
export function wallClockToEpochMs(local: string, zone: string): number {
  const [date, time] = local.split(' ');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, s] = time.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let guess = wall;
  for (let pass = 0; pass < 3; pass++) guess = wall - offsetAt(guess, zone);
  return guess;
}

function offsetAt(utcMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - utcMs;
}

export function isoSeconds(local: Cell, zone: string): string | null {
  if (local === null) return null;
  const ms = wallClockToEpochMs(String(local), zone);
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}Z`;
}

export function first2000(value: Cell): string | null {
  return value === null ? null : Array.from(String(value)).slice(0, 2000).join('');
}

/** `3.000000` → `3`, `-2.250000` → `-2.25`, `0.000000` → `0`. */
export function plainDecimal(value: Cell): string | null {
  if (value === null) return null;
  let [whole, fraction = ''] = String(value).split('.');
  const negative = whole.startsWith('-');
  whole = whole.replace('-', '').replace(/^0+/, '') || '0';
  while (fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  const digits = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative && digits !== '0' ? `-${digits}` : digits;
}

export function byCodePoints(values: string[]): string[] {
  const points = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
  return [...values].sort((a, b) => {
    const [pa, pb] = [points(a), points(b)];
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
    return pa.length - pb.length;
  });
}

export const byId = (a: Row, b: Row, column = 'ID') => (BigInt(String(a[column])) < BigInt(String(b[column])) ? -1 : 1);
