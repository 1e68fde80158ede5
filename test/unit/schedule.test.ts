// When scheduled exports run: weekdays, a wall-clock time in the server's zone, every N weeks.
// Expected instants are written out by hand from a calendar (2024-03-04 is a Monday).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueRun, formatInZone, nextRunTime, type Schedule } from '../../core/settings/schedule.ts';

const at = (iso: string) => Date.parse(iso);

function schedule(patch: Partial<Schedule>): Schedule {
  return { days: ['MONDAY'], repeatIntervalInWeeks: 1, time: '02:00', fromDate: null, schemaVersion: null, savedAtMs: at('2024-03-06T10:00:00Z'), ...patch };
}

/** The first `count` runs after the schedule was saved. */
function runs(s: Schedule, zone: string, count: number): string[] {
  const out: string[] = [];
  let after = s.savedAtMs;
  for (let i = 0; i < count; i++) {
    const next = nextRunTime(s, after, zone);
    assert.notEqual(next, null);
    out.push(new Date(next!).toISOString());
    after = next!;
  }
  return out;
}

test('a weekly schedule runs on each listed day at its time, starting after it was saved', () => {
  // Saved on Wednesday 2024-03-06 10:00Z: Monday the 4th has passed, Thursday the 7th is next.
  assert.deepEqual(runs(schedule({ days: ['MONDAY', 'THURSDAY'] }), 'UTC', 4), [
    '2024-03-07T02:00:00.000Z',
    '2024-03-11T02:00:00.000Z',
    '2024-03-14T02:00:00.000Z',
    '2024-03-18T02:00:00.000Z',
  ]);
});

test('a run later on the day the schedule is saved is the first run', () => {
  assert.deepEqual(runs(schedule({ days: ['WEDNESDAY'], time: '23:30' }), 'UTC', 2), ['2024-03-06T23:30:00.000Z', '2024-03-13T23:30:00.000Z']);
});

test('every two weeks counts from the week of the first run', () => {
  // First run Monday 2024-03-11; then every other Monday.
  assert.deepEqual(runs(schedule({ repeatIntervalInWeeks: 2 }), 'UTC', 3), [
    '2024-03-11T02:00:00.000Z',
    '2024-03-25T02:00:00.000Z',
    '2024-04-08T02:00:00.000Z',
  ]);
});

test('with several days every two weeks, all listed days of a run week run and the week between is skipped', () => {
  // First run Friday 2024-03-08 (week of March 4); the week of March 11 is skipped; the week of March 18 runs.
  assert.deepEqual(runs(schedule({ days: ['MONDAY', 'FRIDAY'], repeatIntervalInWeeks: 2 }), 'UTC', 4), [
    '2024-03-08T02:00:00.000Z',
    '2024-03-18T02:00:00.000Z',
    '2024-03-22T02:00:00.000Z',
    '2024-04-01T02:00:00.000Z',
  ]);
});

test('the time is read on the wall clock of the zone, summer and winter', () => {
  const s = schedule({ days: ['MONDAY'], savedAtMs: at('2024-03-20T00:00:00Z') });
  // Berlin: Monday 2024-03-25 is CET (+01:00), Monday 2024-04-01 is CEST (+02:00).
  assert.deepEqual(runs(s, 'Europe/Berlin', 2), ['2024-03-25T01:00:00.000Z', '2024-04-01T00:00:00.000Z']);
});

test("the weekday is the zone's: Sunday 23:30 in New York is Monday morning in UTC", () => {
  const s = schedule({ days: ['SUNDAY'], time: '23:30', savedAtMs: at('2024-03-06T10:00:00Z') });
  // Sunday 2024-03-10 is the day New York moves to EDT (-04:00) at 02:00, so 23:30 that evening is 03:30Z.
  assert.deepEqual(runs(s, 'America/New_York', 2), ['2024-03-11T03:30:00.000Z', '2024-03-18T03:30:00.000Z']);
});

test('a time that does not exist on a spring-forward day runs an hour later, once', () => {
  // Berlin skips 02:00–03:00 on Sunday 2024-03-31; 02:30 becomes 03:30 CEST = 01:30Z.
  const s = schedule({ days: ['SUNDAY'], time: '02:30', savedAtMs: at('2024-03-25T00:00:00Z') });
  assert.deepEqual(runs(s, 'Europe/Berlin', 2), ['2024-03-31T01:30:00.000Z', '2024-04-07T00:30:00.000Z']);
});

test('a schedule without days never runs', () => {
  assert.equal(nextRunTime(schedule({ days: [] }), at('2024-03-06T10:00:00Z'), 'UTC'), null);
});

test('the next run is strictly after the given instant', () => {
  const s = schedule({ days: ['MONDAY'] });
  assert.equal(new Date(nextRunTime(s, at('2024-03-11T02:00:00Z'), 'UTC')!).toISOString(), '2024-03-18T02:00:00.000Z');
  assert.equal(new Date(nextRunTime(s, at('2024-03-11T01:59:59.999Z'), 'UTC')!).toISOString(), '2024-03-11T02:00:00.000Z');
});

test('a run is due once the clock has passed it since the last check, and only then', () => {
  const s = schedule({ days: ['MONDAY'] });
  assert.equal(dueRun(s, at('2024-03-11T01:59:50Z'), at('2024-03-11T01:59:59Z'), 'UTC'), null);
  assert.equal(dueRun(s, at('2024-03-11T01:59:50Z'), at('2024-03-11T02:00:05Z'), 'UTC'), at('2024-03-11T02:00:00Z'));
  assert.equal(dueRun(s, at('2024-03-11T02:00:05Z'), at('2024-03-11T02:00:15Z'), 'UTC'), null);
});

test("instants are formatted with milliseconds and the zone's offset at that instant", () => {
  assert.equal(formatInZone(at('2024-03-25T01:00:00Z'), 'Europe/Berlin'), '2024-03-25T02:00:00.000+01:00');
  assert.equal(formatInZone(at('2024-04-01T00:00:00Z'), 'Europe/Berlin'), '2024-04-01T02:00:00.000+02:00');
  assert.equal(formatInZone(at('2024-03-11T03:30:00Z'), 'America/New_York'), '2024-03-10T23:30:00.000-04:00');
  assert.equal(formatInZone(at('2024-03-11T03:30:00Z'), 'Asia/Kolkata'), '2024-03-11T09:00:00.000+05:30');
  assert.equal(formatInZone(at('2024-03-11T03:30:00Z'), 'UTC'), '2024-03-11T03:30:00.000+00:00');
});
