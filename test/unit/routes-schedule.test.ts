// GET|PUT|DELETE /config/schedule and GET|POST|DELETE /config/optout through app.request(). Expected
// next runs are read off a calendar: "now" is Tuesday 2024-03-05 14:07:09Z.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { createAdminApp, type AdminApp } from '../helpers/admin-app.ts';
import { eventually } from '../helpers/fakes.ts';

let current: AdminApp | null = null;
afterEach(async () => {
  await current?.kernel.close();
  current = null;
});

async function setUp(zone = 'UTC') {
  current = await createAdminApp({ zone });
  return current;
}

test("GET /config/schedule without a schedule gives the server's zone and no next run", async () => {
  const { call } = await setUp('Europe/Berlin');
  assert.deepEqual((await call('GET', '/config/schedule')).body, { zoneId: 'Europe/Berlin', nextRunTime: null });
});

test('PUT /config/schedule saves it on the shared home and GET adds the zone and the next run in that zone', async () => {
  const { call, store } = await setUp('Europe/Berlin');
  const body = { days: ['THURSDAY', 'MONDAY'], repeatIntervalInWeeks: 1, time: '02:00', fromDate: '2024-01-01T00:00Z' };
  const put = await call('PUT', '/config/schedule', body);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  // Days come back in week order; Thursday 2024-03-07 02:00 in Berlin (CET) is the next run.
  const expected = {
    days: ['MONDAY', 'THURSDAY'],
    repeatIntervalInWeeks: 1,
    time: '02:00',
    fromDate: '2024-01-01T00:00Z',
    zoneId: 'Europe/Berlin',
    nextRunTime: '2024-03-07T02:00:00.000+01:00',
  };
  assert.deepEqual(put.body, expected);
  assert.deepEqual((await call('GET', '/config/schedule')).body, expected);
  assert.deepEqual((await store.readSetting<any>('schedule'))?.days, ['MONDAY', 'THURSDAY']);
  const deleted = await call('DELETE', '/config/schedule');
  assert.deepEqual(deleted.body, { zoneId: 'Europe/Berlin', nextRunTime: null });
  assert.equal(await store.readSetting('schedule'), null);
});

test('a schedule without fromDate exports the default look-back, and a schema version must be one the site offers', async () => {
  const { call } = await setUp();
  const saved = await call('PUT', '/config/schedule', { days: ['SUNDAY'], repeatIntervalInWeeks: 3, time: '23:59', schemaVersion: 1 });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.equal(saved.body.fromDate, null);
  assert.equal(saved.body.schemaVersion, 1);
  assert.equal(saved.body.nextRunTime, '2024-03-10T23:59:00.000+00:00');
  const bad = await call('PUT', '/config/schedule', { days: ['SUNDAY'], repeatIntervalInWeeks: 1, time: '01:00', schemaVersion: 2 });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errors[0].key, 'invalid.schemaVersion');
});

test('PUT /config/schedule names every bad field with its own key', async () => {
  const { call } = await setUp();
  const ok = { days: ['MONDAY'], repeatIntervalInWeeks: 1, time: '02:00' };
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ ...ok, days: [] }, 'invalid.days', /at least one day/],
    [{ ...ok, days: ['FUNDAY'] }, 'invalid.days', /"FUNDAY"/],
    [{ ...ok, days: 'MONDAY' }, 'invalid.days', /expected an array/],
    [{ ...ok, days: undefined }, 'invalid.days', /the field "days" is missing/],
    [{ ...ok, repeatIntervalInWeeks: 0 }, 'invalid.repeatIntervalInWeeks', /1 to 52/],
    [{ ...ok, repeatIntervalInWeeks: 1.5 }, 'invalid.repeatIntervalInWeeks', /1 to 52/],
    [{ ...ok, repeatIntervalInWeeks: '1' }, 'invalid.repeatIntervalInWeeks', /whole number/],
    [{ ...ok, time: '2:00' }, 'invalid.time', /HH:mm/],
    [{ ...ok, time: '24:00' }, 'invalid.time', /HH:mm/],
    [{ ...ok, fromDate: '2024-13-01T00:00Z' }, 'invalid.fromDate', /ISO 8601/],
    [{ ...ok, fromDate: '2024-03-01T00:00' }, 'invalid.fromDate', /ISO 8601/],
    [{ ...ok, fromDate: '2030-01-01T00:00Z' }, 'invalid.fromDate', /in the future/],
    [{ ...ok, weekly: true }, 'invalid.weekly', /Cannot accept the field "weekly"/],
  ];
  for (const [body, key, message] of cases) {
    const got = await call('PUT', '/config/schedule', body);
    assert.equal(got.status, 400, JSON.stringify(body));
    assert.deepEqual(
      got.body.errors.map((e: any) => e.key),
      [key],
      JSON.stringify(body),
    );
    assert.match(got.body.errors[0].message, message, JSON.stringify(body));
  }
  assert.equal((await call('GET', '/config/schedule')).body.nextRunTime, null, 'nothing was saved');
});

test("POST /config/optout replaces the opted-out spaces, and the next export's tasks leave them out", async () => {
  const fakes = await setUp();
  assert.deepEqual((await fakes.call('GET', '/config/optout')).body, { type: 'SPACE', keys: [] });
  const posted = await fakes.call('POST', '/config/optout', { type: 'SPACE', keys: ['DOC', ' ~jsmith ', 'DOC'] });
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  assert.deepEqual(posted.body, { type: 'SPACE', keys: ['DOC', '~jsmith'] });
  assert.deepEqual((await fakes.call('POST', '/config/optout', { type: 'SPACE', keys: ['ARCH'] })).body.keys, ['ARCH']);
  await fakes.kernel.startExport({ fromDateMs: null, forceExport: false, schemaVersion: null });
  const tasks = await fakes.runner.started(5);
  for (const { task } of tasks) assert.deepEqual(task.ctx.optedOut, ['ARCH'], task.entity);
  for (const task of tasks) task.succeed();
  await eventually(() => assert.equal(fakes.store.jobs.get(1)?.status, 'COMPLETED'));
  assert.deepEqual((await fakes.call('DELETE', '/config/optout')).body, { type: 'SPACE', keys: [] });
  assert.equal(await fakes.store.readSetting('optout'), null);
});

test('POST /config/optout refuses the wrong type for the product and malformed keys', async () => {
  const { call } = await setUp();
  const cases: [unknown, string][] = [
    [{ type: 'PROJECT', keys: ['A'] }, 'invalid.type'],
    [{ keys: ['A'] }, 'invalid.type'],
    [{ type: 'SPACE', keys: 'A' }, 'invalid.keys'],
    [{ type: 'SPACE', keys: [''] }, 'invalid.keys'],
    [{ type: 'SPACE', keys: [7] }, 'invalid.keys'],
    [{ type: 'SPACE', keys: ['A\nB'] }, 'invalid.keys'],
    [{ type: 'SPACE', keys: ['x'.repeat(256)] }, 'invalid.keys'],
  ];
  for (const [body, key] of cases) {
    const got = await call('POST', '/config/optout', body);
    assert.equal(got.status, 400, JSON.stringify(body));
    assert.equal(got.body.errors[0].key, key, JSON.stringify(body));
  }
});

test('a Jira site opts out projects: type PROJECT is accepted and SPACE refused', async () => {
  current = await createAdminApp({ product: 'jira' });
  const { call } = current;
  assert.deepEqual((await call('GET', '/config/optout')).body, { type: 'PROJECT', keys: [] });
  assert.deepEqual((await call('POST', '/config/optout', { type: 'PROJECT', keys: ['HR'] })).body, { type: 'PROJECT', keys: ['HR'] });
  const refused = await call('POST', '/config/optout', { type: 'SPACE', keys: ['DOC'] });
  assert.equal(refused.status, 400);
  assert.match(refused.body.errors[0].message, /this site opts out PROJECT/);
  const page = await call('GET', '/admin/data-pipeline', undefined, { authorization: '', cookie: 'sluice_token=routes-admin-token' });
  assert.match(page.body, /Opted-out projects/);
});
