// Date cells from driver values: zone-less text in SOURCE_TIMEZONE, text with an offset as its own instant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateCell, dateCellSeconds, epochCell, viewPageUrl } from '../../core/entities/cells.ts';

// [value as a driver hands it over, SOURCE_TIMEZONE, the cell], worked out by hand.
const cases: [unknown, string, string | null][] = [
  ['2024-03-05 14:07:09', 'UTC', '2024-03-05T14:07:09.000Z'],
  ['2024-03-05 14:07:09.250', 'UTC', '2024-03-05T14:07:09.250Z'],
  ['2024-03-05 14:07:09', 'Europe/Berlin', '2024-03-05T13:07:09.000Z'],
  ['2024-07-05 14:07:09', 'Europe/Berlin', '2024-07-05T12:07:09.000Z'],
  ['2024-03-05 14:07:09', 'Australia/Sydney', '2024-03-05T03:07:09.000Z'],
  // timestamp with time zone as PostgreSQL writes it: the offset decides, not SOURCE_TIMEZONE.
  ['2024-03-05 14:07:09+00', 'Europe/Berlin', '2024-03-05T14:07:09.000Z'],
  ['2024-03-05 14:07:09.123456+02', 'UTC', '2024-03-05T12:07:09.123Z'],
  ['2024-03-05 14:07:09-03:30', 'Australia/Sydney', '2024-03-05T17:37:09.000Z'],
  ['2024-03-05 14:07:09+0530', 'UTC', '2024-03-05T08:37:09.000Z'],
  ['2024-03-05T14:07:09Z', 'Europe/Berlin', '2024-03-05T14:07:09.000Z'],
  ['2024-03-05T14:07:09.5Z', 'UTC', '2024-03-05T14:07:09.500Z'],
  [new Date(Date.UTC(2024, 2, 5, 14, 7, 9, 1)), 'Europe/Berlin', '2024-03-05T14:07:09.001Z'],
  [null, 'UTC', null],
  [undefined, 'UTC', null],
  ['', 'UTC', null],
  ['0000-00-00 00:00:00', 'UTC', null],
  ['not a date', 'UTC', null],
];

for (const [value, zone, expected] of cases) {
  test(`dateCell(${JSON.stringify(value)}) in ${zone} is ${JSON.stringify(expected)}`, () => {
    assert.equal(dateCell(value, zone), expected);
  });
}

test('plain DATETIME text gives the cell the general reading gives it', () => {
  // The same time with a `.000` fraction and a leading space takes the general path (trim, offset check,
  // the regular expression); the plain text skips all three and is read by character codes.
  for (const zone of ['UTC', 'Europe/Berlin', 'Australia/Sydney', 'America/St_Johns']) {
    for (let ms = Date.UTC(2023, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 5 * 3600_000 + 1_001) {
      const text = new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
      assert.equal(dateCell(text, zone), dateCell(` ${text}.000`, zone), `${zone} ${text}`);
      assert.equal(dateCellSeconds(text, zone), dateCellSeconds(` ${text}.000`, zone), `${zone} ${text}`);
    }
  }
});

test('Jira date cells drop the milliseconds', () => {
  assert.equal(dateCellSeconds('2021-05-12 23:01:42.999', 'UTC'), '2021-05-12T23:01:42Z');
  assert.equal(dateCellSeconds('2021-05-13 01:01:42', 'Europe/Berlin'), '2021-05-12T23:01:42Z');
  assert.equal(dateCellSeconds(null, 'UTC'), null);
});

test('epoch milliseconds become UTC dates; non-numbers are empty', () => {
  assert.equal(epochCell(0), '1970-01-01T00:00:00.000Z');
  assert.equal(epochCell('1709647629917'), '2024-03-05T14:07:09.917Z');
  assert.equal(epochCell(null), null);
  assert.equal(epochCell('soon'), null);
});

test('page URLs are built from the id even when nothing else is known', () => {
  assert.equal(
    viewPageUrl('https://wiki.example.com/confluence', '18446744073709551615'),
    'https://wiki.example.com/confluence/pages/viewpage.action?pageId=18446744073709551615',
  );
});
