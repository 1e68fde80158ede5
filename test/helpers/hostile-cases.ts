/**
 * The table of bad requests the hostile-input test sends: every route and parameter, with the status
 * and (where the route names one) the error key the spec's conventions call for. The running export
 * must survive all of them.
 */
import { TEST_TOKEN } from './server.ts';

export interface HostileCase {
  method: string;
  /** Under the API's base path unless it starts with /rest or /admin. */
  path: string;
  /** Headers to set; null removes one of the defaults (the admin token and the XSRF header). */
  headers?: Record<string, string | null>;
  body?: string;
  status: number;
  key?: string;
  /** A short name for the test title when the path is unreadable (huge or binary). */
  label?: string;
}

export const WRONG_TOKENS = ['wrong-token-3f9a', `${TEST_TOKEN}x`, 'a'.repeat(8_000)];

const post = (query: string, status: number, key?: string): HostileCase => ({ method: 'POST', path: `/export?${query}`, status, key });
const put = (path: string, body: string, status: number, key?: string, label?: string): HostileCase => ({
  method: 'PUT',
  path,
  body,
  headers: { 'content-type': 'application/json' },
  status,
  key,
  label,
});
const json = (value: unknown) => JSON.stringify(value);
const HUGE = 'x'.repeat(100_000);
const schedule = (patch: Record<string, unknown>) => json({ days: ['MONDAY'], repeatIntervalInWeeks: 1, time: '02:00', ...patch });

const TOKENS: HostileCase[] = [
  { method: 'GET', path: '/export', headers: { authorization: null }, status: 401, key: 'unauthorized' },
  { method: 'GET', path: '/export', headers: { authorization: `Bearer ${WRONG_TOKENS[0]}` }, status: 401, key: 'unauthorized' },
  { method: 'GET', path: '/export', headers: { authorization: `Bearer ${WRONG_TOKENS[1]}` }, status: 401, key: 'unauthorized' },
  {
    method: 'GET',
    path: '/export',
    headers: { authorization: `Basic ${Buffer.from(`admin:${TEST_TOKEN}`).toString('base64')}` },
    status: 401,
    key: 'unauthorized',
    label: '/export with Basic credentials',
  },
  { method: 'GET', path: '/export', headers: { authorization: TEST_TOKEN }, status: 401, key: 'unauthorized', label: '/export with the token and no scheme' },
  { method: 'GET', path: '/export', headers: { authorization: 'Bearer' }, status: 401, key: 'unauthorized', label: '/export with "Bearer" alone' },
  { method: 'GET', path: '/export', headers: { authorization: 'Bearer      ' }, status: 401, key: 'unauthorized', label: '/export with "Bearer" and spaces' },
  {
    method: 'GET',
    path: '/export',
    headers: { authorization: `Bearer ${TEST_TOKEN} ${TEST_TOKEN}` },
    status: 401,
    key: 'unauthorized',
    label: '/export with two tokens',
  },
  {
    method: 'GET',
    path: '/export',
    headers: { authorization: `Bearer ${WRONG_TOKENS[2]}` },
    status: 401,
    key: 'unauthorized',
    label: '/export with an 8 KB token',
  },
  {
    method: 'GET',
    path: '/export',
    headers: { authorization: `Bearer ${'b'.repeat(100_000)}` },
    status: 431,
    key: 'request.too.large',
    label: '/export with a 100 KB token',
  },
  {
    method: 'GET',
    path: `/export?token=${TEST_TOKEN}`,
    headers: { authorization: null },
    status: 401,
    key: 'unauthorized',
    label: '/export with the token in the query',
  },
  {
    method: 'GET',
    path: '/export',
    headers: { authorization: null, cookie: 'sluice_token=wrong' },
    status: 401,
    key: 'unauthorized',
    label: '/export with a wrong session cookie',
  },
  {
    method: 'POST',
    path: '/export',
    headers: { authorization: 'Bearer wrong', 'x-atlassian-token': null },
    status: 401,
    key: 'unauthorized',
    label: 'POST /export, wrong token and no XSRF header (authentication first)',
  },
  { method: 'POST', path: '/export', headers: { 'x-atlassian-token': null }, status: 403, key: 'forbidden', label: '/export without X-Atlassian-Token' },
  {
    method: 'DELETE',
    path: '/export',
    headers: { 'x-atlassian-token': 'nocheck' },
    status: 403,
    key: 'forbidden',
    label: '/export with X-Atlassian-Token: nocheck',
  },
];

const EXPORT_PARAMS: HostileCase[] = [
  ...[
    'yesterday',
    '2020-13-01T00:00Z',
    '2021-02-29T00:00Z',
    '2020-12-30T24:00Z',
    '2020-12-30T23:60Z',
    '2020-12-30T23:01:60Z',
    '2020-12-30T23:01',
    '2020-12-30',
    '2020-12-30T23:01+25:00',
    '2020-12-30T23:01+01:60',
    '2020-12-30T23:01+0100',
    '2020-12-30T23:01:00.1234Z',
    '0000-01-01T00:00Z',
    '２０２０-12-30T23:01Z',
    '2020-12-30T23:01Z\u0000',
    '',
    '2999-01-01T00:00Z',
  ].map((v) => post(`fromDate=${encodeURIComponent(v)}`, 400, 'invalid.fromDate')),
  { ...post(`fromDate=${HUGE}`, 431, 'request.too.large'), label: '/export?fromDate=<100 KB>' },
  { ...post(`fromDate=${'y'.repeat(10_000)}`, 400, 'invalid.fromDate'), label: '/export?fromDate=<10 KB>' },
  post('fromDate=2020-12-30T23:01Z&fromDate=2020-12-30T23:02Z', 400, 'invalid.fromDate'),
  ...['yes', 'TRUE', '1', '', 'true ', 'trüe'].map((v) => post(`forceExport=${encodeURIComponent(v)}`, 400, 'invalid.forceExport')),
  post('forceExport=true&forceExport=false', 400, 'invalid.forceExport'),
  ...['2', '0', '-1', '1.0', 'abc', '99999999999999999999', '１'].map((v) => post(`schemaVersion=${encodeURIComponent(v)}`, 400, 'invalid.schemaVersion')),
  post('foo=bar', 400, 'invalid.parameter'),
  post(`${encodeURIComponent('ü😀')}=1`, 400, 'invalid.parameter'),
  post('fromdate=2020-12-30T23:01Z', 400, 'invalid.parameter'),
  // Well-formed: the running export answers it (SPEC 2: 409 with that job's status).
  post('fromDate=2020-12-30T23:01Z', 409),
  ...['0', '-1', 'abc', '1.5', '', '99999999999999999', '1e3'].map((v) => ({
    method: 'DELETE',
    path: `/export?jobId=${encodeURIComponent(v)}`,
    status: 400,
    key: 'invalid.jobId',
  })),
  { method: 'DELETE', path: '/export?jobId=1&jobId=1', status: 400, key: 'invalid.jobId' },
  { method: 'DELETE', path: '/export?job=1', status: 400, key: 'invalid.parameter' },
  // A job that is not running: nothing to cancel (SPEC 2: 409 WARNING), and the running one is untouched.
  { method: 'DELETE', path: '/export?jobId=999', status: 409 },
];

const ROUTES_AND_METHODS: HostileCase[] = [
  ...['PUT', 'PATCH'].map((method) => ({ method, path: '/export', status: 405, key: 'method.not.allowed' })),
  ...['PATCH', 'POST'].map((method) => ({ method, path: '/config/export-path', status: 405, key: 'method.not.allowed' })),
  { method: 'POST', path: '/config/schedule', status: 405, key: 'method.not.allowed' },
  { method: 'PUT', path: '/config/optout', status: 405, key: 'method.not.allowed' },
  { method: 'POST', path: '/history', status: 405, key: 'method.not.allowed' },
  { method: 'GET', path: '/exports', status: 404, key: 'not.found' },
  { method: 'GET', path: '/rest/datapipeline/2.0/export', status: 404, key: 'not.found' },
  { method: 'GET', path: `/${encodeURIComponent('ëxport')}`, status: 404, key: 'not.found' },
  { method: 'GET', path: `/${HUGE.slice(0, 10_000)}`, status: 404, key: 'not.found', label: '/<10 KB path>' },
  ...['-1', 'abc', '1e2', '1000000000'].map((v) => ({ method: 'GET', path: `/history?offset=${v}`, status: 400, key: 'invalid.offset' })),
  ...['0', '101', 'abc', ''].map((v) => ({ method: 'GET', path: `/history?limit=${v}`, status: 400, key: 'invalid.limit' })),
  { method: 'GET', path: '/history?limit=1&limit=2', status: 400, key: 'invalid.limit' },
  { method: 'GET', path: '/history?page=2', status: 400, key: 'invalid.parameter' },
  { method: 'GET', path: '/history/abc/files/x.csv', status: 400, key: 'invalid.jobId' },
  { method: 'GET', path: '/history/1/files/..%2F..%2F..%2Fetc%2Fpasswd', status: 404, key: 'not.found' },
  { method: 'GET', path: '/history/1/files/%2Fetc%2Fpasswd', status: 404, key: 'not.found' },
  { method: 'GET', path: '/history/1/files/users_job1.csv', status: 404, key: 'not.found', label: '/history/1/files/<a file of the running job>' },
];

const BODIES: HostileCase[] = [
  ...[
    ['not JSON', '{'],
    ['truncated', '{"path": "/tm'],
    ['empty', ''],
    ['whitespace', '  \n '],
    ['null', 'null'],
    ['an array', '["/tmp"]'],
    ['a string', '"/tmp"'],
    ['a number', '42'],
    ['deeply nested', `${'['.repeat(50_000)}${']'.repeat(50_000)}`],
  ].map(([what, body]) => put('/config/export-path', body, 400, 'invalid.body', `/config/export-path with a body that is ${what}`)),
  put('/config/export-path', json({ path: 'x'.repeat(300_000) }), 400, 'invalid.body', '/config/export-path with a 300 KB body'),
  put('/config/export-path', json({}), 400, 'invalid.path', '/config/export-path without path'),
  put('/config/export-path', json({ path: 7 }), 400, 'invalid.path'),
  put('/config/export-path', json({ path: '/tmp', extra: true }), 400, 'invalid.extra'),
  put('/config/export-path', json({ path: '/tmp\u0000/x' }), 400, 'invalid.path'),
  put('/config/export-path', json({ path: `/${'d'.repeat(5000)}` }), 400, 'invalid.path', '/config/export-path with a 5000-character path'),
  put('/config/schedule', '{"days": ["MONDAY"', 400, 'invalid.body', '/config/schedule with a truncated body'),
  put('/config/schedule', schedule({ days: [] }), 400, 'invalid.days'),
  put('/config/schedule', schedule({ days: ['FUNDAY'] }), 400, 'invalid.days'),
  put('/config/schedule', schedule({ days: 'MONDAY' }), 400, 'invalid.days'),
  ...['25:00', '2:00', '02:60', '', '０２:００'].map((time) => put('/config/schedule', schedule({ time }), 400, 'invalid.time')),
  ...[0, 53, 1.5, '1', null].map((n) => put('/config/schedule', schedule({ repeatIntervalInWeeks: n }), 400, 'invalid.repeatIntervalInWeeks')),
  put('/config/schedule', schedule({ fromDate: '2999-01-01T00:00Z' }), 400, 'invalid.fromDate'),
  put('/config/schedule', schedule({ fromDate: '2020-12-30T23:01+25:00' }), 400, 'invalid.fromDate'),
  put('/config/schedule', schedule({ schemaVersion: 2 }), 400, 'invalid.schemaVersion'),
  put('/config/schedule', schedule({ cron: '* * * * *' }), 400, 'invalid.cron'),
  ...[
    [{ type: 'PROJECT', keys: ['DOC'] }, 'invalid.type'],
    [{ type: 'SPACE', keys: 'DOC' }, 'invalid.keys'],
    [{ type: 'SPACE', keys: [7] }, 'invalid.keys'],
    [{ type: 'SPACE', keys: ['a\nb'] }, 'invalid.keys'],
    [{ type: 'SPACE', keys: ['k'.repeat(256)] }, 'invalid.keys'],
    [{ type: 'SPACE', keys: Array.from({ length: 5001 }, (_, i) => `K${i}`) }, 'invalid.keys'],
    [{ keys: ['DOC'] }, 'invalid.type'],
  ].map(([body, key]) => ({ ...put('/config/optout', json(body), 400, key as string, `/config/optout with ${json(body).slice(0, 60)}`), method: 'POST' })),
];

export const HOSTILE_CASES: HostileCase[] = [...TOKENS, ...EXPORT_PARAMS, ...ROUTES_AND_METHODS, ...BODIES];
