// When scheduled exports run: on the listed weekdays at a wall-clock time in the server's zone, every
// N weeks. Pure arithmetic on civil days, so every node on the shared home computes the same instants.
import { localToUtcMs, zoneOffsetMs } from '../dates.ts';
import type { SettingsStore } from './settings-store.ts';

const SCHEDULE_SETTING = 'schedule';

export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DAY_MS = 86_400_000;

/** The schedule as the journal keeps it (settings/schedule.json). */
export interface Schedule {
  days: Weekday[];
  repeatIntervalInWeeks: number;
  /** `HH:mm`, wall-clock time in the server's zone. */
  time: string;
  /** What each scheduled export exports from (as POST /export's fromDate); null: the default look-back. */
  fromDate: string | null;
  schemaVersion: number | null;
  /** When the schedule was saved: runs start after it, and every N weeks count from its first run. */
  savedAtMs: number;
}

export async function readSchedule(store: SettingsStore): Promise<Schedule | null> {
  const saved = await store.readSetting<Schedule>(SCHEDULE_SETTING);
  return saved && Array.isArray(saved.days) && typeof saved.time === 'string' ? saved : null;
}

/** Saves the schedule; null removes it. */
export async function writeSchedule(store: SettingsStore, schedule: Schedule | null): Promise<void> {
  await store.writeSetting(SCHEDULE_SETTING, schedule);
}

/** The zone this process's clock reads in (TZ on Node and Deno), for zoneId and the schedule. */
export function serverZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Days since 1970-01-01 of the civil date an instant falls on in `zone`. */
function civilDay(ms: number, zone: string): number {
  return Math.floor((ms + zoneOffsetMs(zone, ms)) / DAY_MS);
}

/** 0 for Monday … 6 for Sunday (day 0, 1970-01-01, was a Thursday). */
function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function mondayOf(day: number): number {
  return day - weekdayOf(day);
}

/** The instant of `time` on a civil day in `zone`; a time in a DST gap moves forward, as Java's does. */
function instantOn(day: number, time: string, zone: string): number {
  const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
  return localToUtcMs(`${date} ${time}:00`, zone);
}

/** The first run on any listed day after `afterMs`, ignoring the week interval (null without days). */
function firstListed(
  schedule: Pick<Schedule, 'days' | 'time'>,
  afterMs: number,
  zone: string,
  weekOk: (day: number) => boolean,
  horizonDays: number,
): number | null {
  const wanted = new Set(schedule.days.map((d) => WEEKDAYS.indexOf(d)));
  if (wanted.size === 0) return null;
  const start = civilDay(afterMs, zone) - 1;
  for (let day = start; day <= start + horizonDays; day++) {
    if (!wanted.has(weekdayOf(day)) || !weekOk(day)) continue;
    const at = instantOn(day, schedule.time, zone);
    if (at > afterMs) return at;
  }
  return null;
}

/** The first scheduled run strictly after `afterMs` (epoch ms), or null when the schedule has no days. */
export function nextRunTime(schedule: Schedule, afterMs: number, zone: string): number | null {
  const first = firstListed(schedule, schedule.savedAtMs, zone, () => true, 8);
  if (first === null) return null;
  if (first > afterMs) return first;
  const interval = Math.max(1, Math.floor(schedule.repeatIntervalInWeeks));
  const anchor = mondayOf(civilDay(first, zone));
  const inRunWeek = (day: number) => ((((mondayOf(day) - anchor) / 7) % interval) + interval) % interval === 0;
  return firstListed(schedule, afterMs, zone, inRunWeek, 7 * interval + 8);
}

/** The run that fell due in (lastCheckMs, nowMs], or null: what a scheduler tick acts on. */
export function dueRun(schedule: Schedule, lastCheckMs: number, nowMs: number, zone: string): number | null {
  const next = nextRunTime(schedule, lastCheckMs, zone);
  return next !== null && next <= nowMs ? next : null;
}

/** Parses `HH:mm` into minutes after midnight, or null. */
export function parseTimeOfDay(raw: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(raw);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** ISO 8601 with milliseconds and the zone's offset at that instant, e.g. `2024-03-04T02:00:00.000+01:00`. */
export function formatInZone(ms: number, zone: string): string {
  const offset = Math.round(zoneOffsetMs(zone, ms) / 60_000);
  const wall = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
