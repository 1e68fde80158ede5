// POST /export's parameters through app.request(): which forms start an export and which get a 400.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { createTokenCheck } from '../../core/http/token-check.ts';
import { createAppOnFakes } from '../helpers/admin-app.ts';
import { createFakeHost, createKernelOnFakes, type KernelOnFakes } from '../helpers/fakes.ts';

const TOKEN = 'params-token';
const NOW = Date.UTC(2024, 2, 5, 14, 7, 9, 917);

let current: KernelOnFakes | null = null;

afterEach(async () => {
  await current?.kernel.close();
  current = null;
});

async function post(query: string) {
  current = createKernelOnFakes({ env: { SLUICE_MIN_FREE_DISK: '0' }, host: createFakeHost({ nowMs: NOW }) });
  const app = await createAppOnFakes(current, { checkToken: await createTokenCheck([TOKEN]), now: () => NOW });
  const response = await app.request(`/rest/datapipeline/latest/export${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'x-atlassian-token': 'no-check' },
  });
  return { status: response.status, body: (await response.json()) as any, store: current.store };
}

// Each raw query value and the instant it names, worked out by hand.
const valid: [string, string, string][] = [
  ['Z with minutes', '2020-12-30T23:01Z', '2020-12-30T23:01:00+00:00'],
  ['an offset written %2B', '2020-12-30T22:01%2B01:00', '2020-12-30T21:01:00+00:00'],
  ['a raw + that arrives as a space', '2020-12-30T22:01+01:00', '2020-12-30T21:01:00+00:00'],
  ['the space a decoded raw + leaves', '2020-12-30T22:01%2001:00', '2020-12-30T21:01:00+00:00'],
  ['a raw + after seconds and milliseconds', '2020-12-30T22:01:02.003+01:00', '2020-12-30T21:01:02.003+00:00'],
  ['a negative offset', '2020-12-30T18:01-05:00', '2020-12-30T23:01:00+00:00'],
  ['seconds', '2020-12-30T23:01:59Z', '2020-12-30T23:01:59+00:00'],
  ['milliseconds', '2020-12-30T23:01:59.250Z', '2020-12-30T23:01:59.250+00:00'],
  ['a half-hour offset with seconds', '2021-01-01T05:30:15%2B05:30', '2021-01-01T00:00:15+00:00'],
  ['a leap day', '2020-02-29T00:00Z', '2020-02-29T00:00:00+00:00'],
  ['exactly now', '2024-03-05T14:07:09.917Z', '2024-03-05T14:07:09.917+00:00'],
];

for (const [what, raw, exportFrom] of valid) {
  test(`fromDate with ${what} starts an export from that instant`, async () => {
    const got = await post(`?fromDate=${raw}`);
    assert.equal(got.status, 202, JSON.stringify(got.body));
    assert.equal(got.body.config.exportFrom, exportFrom);
  });
}

test('fromDate with milliseconds selects from the exact millisecond', async () => {
  const got = await post('?fromDate=2020-12-30T23:01:59.250Z');
  assert.equal(got.store.jobs.get(1)?.fromMs, Date.UTC(2020, 11, 30, 23, 1, 59, 250));
});

test('config.exportFrom names the exported instant to the millisecond', async () => {
  const got = await post('?fromDate=2021-01-13T09:01:01.917Z');
  assert.equal(got.body.config.exportFrom, '2021-01-13T09:01:01.917+00:00');
  assert.equal(Date.parse(got.body.config.exportFrom), got.store.jobs.get(1)?.fromMs);
});

test('config.exportFrom of an instant without milliseconds reads as whole seconds', async () => {
  const got = await post('?fromDate=2021-01-13T09:01:01.000Z');
  assert.equal(got.body.config.exportFrom, '2021-01-13T09:01:01+00:00');
});

const invalid: [string, string][] = [
  ['no offset', '2020-12-30T23:01'],
  ['month 13', '2020-13-01T00:00Z'],
  ['February 30', '2021-02-30T00:00Z'],
  ['February 29 in a common year', '2021-02-29T00:00Z'],
  ['hour 24', '2020-12-30T24:00Z'],
  ['minute 60', '2020-12-30T23:60Z'],
  ['second 60', '2020-12-30T23:59:60Z'],
  ['an offset without a colon', '2020-12-30T23:01%2B0100'],
  ['an offset beyond 18 hours', '2020-12-30T23:01%2B19:00'],
  ['two-digit milliseconds', '2020-12-30T23:01:00.25Z'],
  ['a date without a time', '2020-12-30'],
  ['a future instant', '2024-03-05T14:08Z'],
  ['a future instant one millisecond ahead', '2024-03-05T14:07:09.918Z'],
  ['an empty value', ''],
  ['garbage', 'yesterday'],
  ['an epoch number', '1609369260000'],
  ['a space that stands for a minus', '2020-12-30T22:01%2001:00x'],
  ['a space before Z', '2020-12-30T22:01%20Z'],
];

for (const [what, raw] of invalid) {
  test(`fromDate with ${what} is a 400 naming fromDate and starts nothing`, async () => {
    const got = await post(`?fromDate=${raw}`);
    assert.equal(got.status, 400);
    assert.deepEqual(Object.keys(got.body), ['errors']);
    assert.equal(got.body.errors.length, 1);
    assert.equal(got.body.errors[0].key, 'invalid.fromDate');
    assert.equal(typeof got.body.errors[0].message, 'string');
    assert.notEqual(got.body.errors[0].message, '');
    assert.equal(got.store.jobs.size, 0);
  });
}

test('fromDate given twice is a 400 naming fromDate', async () => {
  const got = await post('?fromDate=2020-12-30T23:01Z&fromDate=2020-12-30T23:02Z');
  assert.equal(got.status, 400);
  assert.equal(got.body.errors[0].key, 'invalid.fromDate');
  assert.match(got.body.errors[0].message, /more than once/);
});

test('the 400 message quotes the offending fromDate', async () => {
  const got = await post('?fromDate=2020-13-01T00:00Z');
  assert.match(got.body.errors[0].message, /^Cannot parse fromDate "2020-13-01T00:00Z"/);
});

for (const value of ['true', 'false']) {
  test(`forceExport=${value} is accepted`, async () => {
    const got = await post(`?forceExport=${value}`);
    assert.equal(got.status, 202);
    assert.equal(got.body.config.forcedExport, value === 'true');
  });
}

for (const value of ['TRUE', 'True', '1', 'yes', '', 'on']) {
  test(`forceExport=${JSON.stringify(value)} is a 400 naming forceExport`, async () => {
    const got = await post(`?forceExport=${value}`);
    assert.equal(got.status, 400);
    assert.equal(got.body.errors[0].key, 'invalid.forceExport');
  });
}

test('an unknown parameter is a 400 naming it', async () => {
  const got = await post('?fromdate=2020-12-30T23:01Z');
  assert.equal(got.status, 400);
  assert.equal(got.body.errors[0].key, 'invalid.parameter');
  assert.match(got.body.errors[0].message, /"fromdate"/);
  assert.equal(got.store.jobs.size, 0);
});

test('every bad parameter of one request is listed', async () => {
  const got = await post('?fromDate=nope&forceExport=maybe');
  assert.equal(got.status, 400);
  assert.deepEqual(
    got.body.errors.map((e: { key: string }) => e.key),
    ['invalid.fromDate', 'invalid.forceExport'],
  );
});

for (const value of ['TRUE', 'yes', '1', '']) {
  test(`resume=${JSON.stringify(value)} is a 400 naming resume`, async () => {
    const got = await post(`?resume=${value}`);
    assert.equal(got.status, 400);
    assert.equal(got.body.errors[0].key, 'invalid.resume');
    assert.equal(got.store.jobs.size, 0);
  });
}

test('resume=true with nothing to resume is a 400 invalid.resume saying why, and starts nothing', async () => {
  const got = await post('?resume=true');
  assert.equal(got.status, 400);
  assert.deepEqual(got.body, { errors: [{ key: 'invalid.resume', message: 'Cannot resume: no export has run yet' }] });
  assert.equal(got.store.jobs.size, 0);
});

test('resume=false is a new export, as without it', async () => {
  const got = await post('?resume=false');
  assert.equal(got.status, 202, JSON.stringify(got.body));
  assert.equal(got.body.config.resumedFrom, undefined);
});
