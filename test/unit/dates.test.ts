// Zone-less database times to instants and back, and the offset timestamps of the job status.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { createSeededRandom } from '../../adapters/demo/seeded-random.ts';
import { formatOffsetIso, formatUtcMillis, formatUtcSeconds, isValidTimeZone, localToUtcMs, utcMsToLocal } from '../../core/dates.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const processZone = process.env.TZ;

afterEach(() => {
  if (processZone === undefined) delete process.env.TZ;
  else process.env.TZ = processZone;
});

// [zone, wall-clock value as the database holds it, the instant it names]. Transition dates: Berlin
// 2024-03-31 02:00→03:00 and 2024-10-27 03:00→02:00; Sydney 2024-04-07 03:00→02:00 and 2024-10-06 02:00→03:00.
const toUtc: [string, string, string, string][] = [
  ['UTC', 'a plain time', '2024-03-05 14:07:09', '2024-03-05T14:07:09.000Z'],
  ['UTC', 'milliseconds', '2024-02-29 23:59:59.999', '2024-02-29T23:59:59.999Z'],
  ['UTC', 'a short fraction', '2024-02-29 23:59:59.5', '2024-02-29T23:59:59.500Z'],
  ['UTC', 'microseconds, cut to milliseconds', '2024-02-29 23:59:59.123456', '2024-02-29T23:59:59.123Z'],
  ['UTC', 'a T separator', '2024-03-05T14:07:09', '2024-03-05T14:07:09.000Z'],
  ['Europe/Berlin', 'winter time', '2024-01-15 12:00:00', '2024-01-15T11:00:00.000Z'],
  ['Europe/Berlin', 'summer time', '2024-07-01 12:00:00', '2024-07-01T10:00:00.000Z'],
  ['Europe/Berlin', 'the last second before spring forward', '2024-03-31 01:59:59', '2024-03-31T00:59:59.000Z'],
  ['Europe/Berlin', 'a time in the spring gap, moved on by the gap', '2024-03-31 02:30:00', '2024-03-31T01:30:00.000Z'],
  ['Europe/Berlin', 'the first time after the spring gap', '2024-03-31 03:00:00', '2024-03-31T01:00:00.000Z'],
  ['Europe/Berlin', 'a time in the autumn overlap, as the earlier instant', '2024-10-27 02:30:00', '2024-10-27T00:30:00.000Z'],
  ['Europe/Berlin', 'the first time after the autumn overlap', '2024-10-27 03:00:00', '2024-10-27T02:00:00.000Z'],
  ['Europe/Berlin', 'a time before 1970', '1960-06-01 12:00:00.500', '1960-06-01T11:00:00.500Z'],
  ['Australia/Sydney', 'summer time', '2024-01-15 12:00:00', '2024-01-15T01:00:00.000Z'],
  ['Australia/Sydney', 'winter time', '2024-07-01 12:00:00', '2024-07-01T02:00:00.000Z'],
  ['Australia/Sydney', 'a time in the April overlap, as the earlier instant', '2024-04-07 02:30:00', '2024-04-06T15:30:00.000Z'],
  ['Australia/Sydney', 'a time in the October gap, moved on by the gap', '2024-10-06 02:30:00', '2024-10-05T16:30:00.000Z'],
  ['Australia/Sydney', 'midnight across the date line from UTC', '2024-01-01 00:00:00', '2023-12-31T13:00:00.000Z'],
];

for (const [zone, what, local, expected] of toUtc) {
  test(`localToUtcMs reads ${what} in ${zone}`, () => {
    assert.equal(iso(localToUtcMs(local, zone)), expected);
  });
}

test('localToUtcMs gives NaN for text that is not a date and time', () => {
  for (const bad of ['', '2024-03-05', '14:07:09', '2024-03-05 14:07', 'yesterday', '2024-03-05 14:07:09 +01:00']) {
    assert.ok(Number.isNaN(localToUtcMs(bad, 'UTC')), JSON.stringify(bad));
  }
});

const toLocal: [string, string, string][] = [
  ['UTC', '2024-03-05T14:07:09.917Z', '2024-03-05 14:07:09.917'],
  ['Europe/Berlin', '2024-03-31T00:59:59.999Z', '2024-03-31 01:59:59.999'],
  ['Europe/Berlin', '2024-03-31T01:00:00.000Z', '2024-03-31 03:00:00.000'],
  ['Europe/Berlin', '2024-10-27T00:30:00.000Z', '2024-10-27 02:30:00.000'],
  ['Europe/Berlin', '2024-10-27T01:30:00.000Z', '2024-10-27 02:30:00.000'],
  ['Europe/Berlin', '1960-06-01T11:00:00.500Z', '1960-06-01 12:00:00.500'],
  ['Australia/Sydney', '2024-04-06T15:30:00.000Z', '2024-04-07 02:30:00.000'],
  ['Australia/Sydney', '2024-04-06T16:30:00.000Z', '2024-04-07 02:30:00.000'],
  ['Australia/Sydney', '2024-10-05T15:59:59.000Z', '2024-10-06 01:59:59.000'],
  ['Australia/Sydney', '2024-10-05T16:00:00.000Z', '2024-10-06 03:00:00.000'],
];

for (const [zone, instant, expected] of toLocal) {
  test(`utcMsToLocal shows ${instant} in ${zone} as ${expected}`, () => {
    assert.equal(utcMsToLocal(Date.parse(instant), zone), expected);
  });
}

test('an instant outside the transitions survives the round trip through wall-clock time', () => {
  for (const zone of ['UTC', 'Europe/Berlin', 'Australia/Sydney', 'America/St_Johns']) {
    for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 7 * 3600_000 + 1234) {
      const local = utcMsToLocal(ms, zone);
      const back = localToUtcMs(local, zone);
      // Wall-clock times shown twice (the autumn hour) read back as the earlier instant.
      if (back !== ms) assert.equal(utcMsToLocal(back, zone), local, `${zone} ${iso(ms)}`);
    }
  }
});

const offsets: [string, string, string][] = [
  ['Australia/Sydney', '2021-01-12T22:01:01.917Z', '2021-01-13T09:01:01.917+11:00'],
  ['Australia/Sydney', '2021-07-12T22:01:01.917Z', '2021-07-13T08:01:01.917+10:00'],
  ['UTC', '2021-01-12T22:01:01.917Z', '2021-01-12T22:01:01.917+00:00'],
  ['America/St_Johns', '2024-01-15T12:00:00.000Z', '2024-01-15T08:30:00.000-03:30'],
  ['Asia/Kolkata', '2024-01-15T12:00:00.005Z', '2024-01-15T17:30:00.005+05:30'],
  ['Europe/Berlin', '2024-10-27T00:30:00.000Z', '2024-10-27T02:30:00.000+02:00'],
  ['Europe/Berlin', '2024-10-27T01:30:00.000Z', '2024-10-27T02:30:00.000+01:00'],
];

for (const [zone, instant, expected] of offsets) {
  test(`formatOffsetIso writes ${instant} in a ${zone} process as ${expected}`, () => {
    process.env.TZ = zone;
    assert.equal(formatOffsetIso(new Date(instant)), expected);
  });
}

test('formatOffsetIso leaves the milliseconds out when asked', () => {
  process.env.TZ = 'Australia/Sydney';
  assert.equal(formatOffsetIso(new Date('2020-07-16T22:00:00.999Z'), false), '2020-07-17T08:00:00+10:00');
});

test('CSV dates are UTC with milliseconds for Confluence and without for Jira', () => {
  assert.equal(formatUtcMillis(Date.UTC(2024, 2, 5, 14, 7, 9)), '2024-03-05T14:07:09.000Z');
  assert.equal(formatUtcSeconds(Date.UTC(2021, 4, 12, 23, 1, 42, 999)), '2021-05-12T23:01:42Z');
});

// Pseudo-random instants from a fixed seed (the formatters keep the last day between calls, so the order matters).
function* instants(count: number, spanMs: number): Generator<number> {
  const random = createSeededRandom(0x9e3779b9);
  for (let i = 0; i < count; i++) {
    const sign = random.chance(0.5) ? 1 : -1;
    // Neighbours share a day as rows of one chunk do, and now and then jump anywhere in the range.
    yield i % 7 === 0 ? sign * random.next() * spanMs : Date.UTC(2024, 0, 1) + sign * random.int(0, 86_399_999) * (i % 3);
  }
}

test('CSV dates are the same text as Date.toISOString across the whole range of dates', () => {
  const edges = [
    0, -0, -1, 1, 86_399_999, 86_400_000, -86_400_000, -86_400_001, 8.64e15, -8.64e15, 253_402_300_800_000, -62_167_219_200_001, 1.5, -1.5, 1_709_647_629_917.9,
  ];
  for (const ms of [...edges, ...instants(20_000, 8.64e15), ...instants(20_000, 4e12)]) {
    const expected = new Date(ms).toISOString();
    assert.equal(formatUtcMillis(ms), expected, String(ms));
    assert.equal(formatUtcSeconds(ms), expected.slice(0, -5) + 'Z', String(ms));
  }
});

test('CSV dates outside the range of dates fail as Date does', () => {
  for (const ms of [8.64e15 + 1, -8.64e15 - 1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => formatUtcMillis(ms), RangeError);
    assert.throws(() => formatUtcSeconds(ms), RangeError);
  }
});

test('plain wall-clock text reads as the ISO parser reads it', () => {
  for (const ms of instants(20_000, 2.5e11)) {
    const whole = Math.floor(ms / 1000) * 1000 + Date.UTC(1990, 0, 1);
    const text = new Date(whole).toISOString().slice(0, 19);
    assert.equal(localToUtcMs(text.replace('T', ' '), 'UTC'), Date.parse(`${text}Z`), text);
    assert.equal(localToUtcMs(text, 'UTC'), Date.parse(`${text}Z`), text);
  }
  for (const bad of ['2024-03-05 14:07:0x', '2024-03-05_14:07:09', '2024/03/05 14:07:09', '2024-03-05 14-07-09', '+024-03-05 14:07:09']) {
    assert.ok(Number.isNaN(localToUtcMs(bad, 'UTC')), bad);
  }
});

test('only IANA zones are valid time zones', () => {
  assert.equal(isValidTimeZone('Europe/Berlin'), true);
  assert.equal(isValidTimeZone('UTC'), true);
  assert.equal(isValidTimeZone('Europe/Atlantis'), false);
  assert.equal(isValidTimeZone(''), false);
});
