// The console's browser code that needs no page: the rate chart's arithmetic and the datetime-local
// conversions, in a zone with summer time (Europe/Berlin: +01:00 in winter, +02:00 in summer).
process.env.TZ = 'Europe/Berlin';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toIso, toLocalInput } from '../../core/http/console/browser/datetime-inputs.ts';
import { smoothedRates } from '../../core/http/console/browser/rate-chart.ts';

test('a datetime-local value reads as ISO 8601 with the offset the browser has at that time', () => {
  assert.equal(toIso('2024-01-15T09:30'), '2024-01-15T09:30+01:00');
  assert.equal(toIso('2024-07-15T09:30'), '2024-07-15T09:30+02:00');
  assert.equal(toIso(''), null);
});

test('an instant fills a datetime-local input on the browser wall clock, and an unreadable one leaves it empty', () => {
  assert.equal(toLocalInput('2024-01-15T08:30:00Z'), '2024-01-15T09:30');
  assert.equal(toLocalInput('2024-07-15T07:30:00+00:00'), '2024-07-15T09:30');
  assert.equal(toLocalInput('not a time'), '');
});

test('the rate chart draws rows per second between samples, each averaged with the two before it', () => {
  const samples = [
    { t: 0, rows: 0 },
    { t: 1000, rows: 100 },
    { t: 2000, rows: 400 },
    { t: 4000, rows: 400 },
    { t: 4000, rows: 500 },
  ];
  // Segment rates 100, 300, 0 and 0 (no time passed); the first one also holds from the first sample.
  assert.deepEqual(smoothedRates(samples), [
    { t: 0, r: 100 },
    { t: 1000, r: 100 },
    { t: 2000, r: (100 + 100 + 300) / 3 },
    { t: 4000, r: (100 + 300 + 0) / 3 },
    { t: 4000, r: (300 + 0 + 0) / 3 },
  ]);
});
