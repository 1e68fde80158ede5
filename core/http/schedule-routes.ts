// GET|PUT|DELETE /config/schedule: the schedule lives on the shared home; GET adds the server's zone
// and the next run, computed the same way the scheduler fires it.
import type { Hono } from 'hono';
import { parseScheduleBody } from './body-schemas.ts';
import { formatInZone, nextRunTime, readSchedule, type Schedule, writeSchedule } from '../settings/schedule.ts';
import { methodNotAllowed } from './error-response.ts';
import { readJsonBody } from './json-body.ts';
import type { RouteDeps } from './route-deps.ts';

export interface ScheduleView {
  days?: Schedule['days'];
  repeatIntervalInWeeks?: number;
  time?: string;
  fromDate?: string | null;
  schemaVersion?: number;
  zoneId: string;
  nextRunTime: string | null;
}

export function scheduleView(schedule: Schedule | null, zone: string, now: number): ScheduleView {
  if (!schedule) return { zoneId: zone, nextRunTime: null };
  const next = nextRunTime(schedule, now, zone);
  return {
    days: schedule.days,
    repeatIntervalInWeeks: schedule.repeatIntervalInWeeks,
    time: schedule.time,
    fromDate: schedule.fromDate,
    ...(schedule.schemaVersion !== null ? { schemaVersion: schedule.schemaVersion } : {}),
    zoneId: zone,
    nextRunTime: next === null ? null : formatInZone(next, zone),
  };
}

export function scheduleRoutes(api: Hono, deps: RouteDeps): void {
  api.get('/config/schedule', async (c) => c.json(scheduleView(await readSchedule(deps.store), deps.zone, deps.now())));
  api.put('/config/schedule', async (c) => {
    const now = deps.now();
    const versions = deps.kernel.schemaVersions().map((s) => s.version);
    const input = parseScheduleBody(await readJsonBody(c), now, versions);
    const schedule: Schedule = { ...input, savedAtMs: now };
    await writeSchedule(deps.store, schedule);
    return c.json(scheduleView(schedule, deps.zone, now));
  });
  api.delete('/config/schedule', async (c) => {
    await writeSchedule(deps.store, null);
    return c.json(scheduleView(null, deps.zone, deps.now()));
  });
  api.all('/config/schedule', methodNotAllowed('/config/schedule', 'GET, PUT or DELETE'));
}
