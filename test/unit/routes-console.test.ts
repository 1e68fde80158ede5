// The admin console's HTTP side through app.request(): sign-in and the session cookie, the XSRF rule on
// cookie-authenticated changes, the pages and fragments, and downloading a finished job's files.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { bundleConsole } from '../../adapters/console-bundle.ts';
import { API_PATH, CONSOLE_PATH, XSRF_HEADER, XSRF_VALUE } from '../../core/http/endpoints.ts';
import { ADMIN_TOKEN, createAdminApp, runJobToCompletion, type AdminApp } from '../helpers/admin-app.ts';

let current: AdminApp | null = null;
let scratch = '';
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'sluice-console-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  await current?.kernel.close();
  current = null;
});

const COOKIE = { authorization: '', cookie: `sluice_token=${encodeURIComponent(ADMIN_TOKEN)}` };

async function setUp() {
  current = await createAdminApp();
  return current;
}

test('the console without a session shows the sign-in page with a nonce-locked inline script', async () => {
  const { call } = await setUp();
  const page = await call('GET', '/admin/data-pipeline', undefined, { authorization: '' });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.body, /^<!DOCTYPE html>/);
  assert.match(page.body, /<form id="signin"/);
  assert.doesNotMatch(page.body, /Current export/);
  const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers.get('content-security-policy') ?? '')?.[1];
  assert.ok(nonce, 'the CSP names a script nonce');
  assert.match(page.body, new RegExp(`<script nonce="${nonce.replace(/[+/]/g, '\\$&')}">`));
  assert.doesNotMatch(page.body, /<(script|link|img)[^>]+(src|href)="https?:/, 'no external assets');
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
});

test('signing in needs the XSRF header and an admin token, and sets an HttpOnly, SameSite=Strict cookie', async () => {
  const { call } = await setUp();
  const session = (body: unknown, headers: Record<string, string> = {}) =>
    call('POST', '/admin/data-pipeline/session', body, { authorization: '', ...headers });
  assert.equal((await session({ token: ADMIN_TOKEN }, { 'x-atlassian-token': '' })).status, 403);
  const wrong = await session({ token: 'not-the-token' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('set-cookie'), null);
  assert.equal((await session('{"token":')).status, 400);
  const ok = await session({ token: ADMIN_TOKEN });
  assert.equal(ok.status, 200);
  const cookie = ok.headers.get('set-cookie') ?? '';
  assert.match(cookie, new RegExp(`^sluice_token=${encodeURIComponent(ADMIN_TOKEN)};`));
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Strict/);
  assert.match(cookie, /; Path=\//);
  const out = await call('DELETE', '/admin/data-pipeline/session', undefined, COOKIE);
  assert.match(out.headers.get('set-cookie') ?? '', /^sluice_token=; Max-Age=0/);
});

test('the session cookie authenticates the REST API, and a change sent with it still needs X-Atlassian-Token', async () => {
  const { call } = await setUp();
  assert.equal((await call('GET', '/export', undefined, COOKIE)).status, 200);
  assert.equal((await call('GET', '/export', undefined, { authorization: '', cookie: 'sluice_token=wrong' })).status, 401);
  assert.equal((await call('POST', '/export', undefined, { ...COOKIE, 'x-atlassian-token': '' })).status, 403);
  assert.equal(
    (await call('PUT', '/config/schedule', { days: ['MONDAY'], repeatIntervalInWeeks: 1, time: '02:00' }, { ...COOKIE, 'x-atlassian-token': '' })).status,
    403,
  );
});

test('the signed-in console shows the current job, history, schedule, export path and opted-out spaces', async () => {
  const fakes = await setUp();
  const empty = await fakes.call('GET', '/admin/data-pipeline', undefined, COOKIE);
  assert.match(empty.body, /Not started/);
  await runJobToCompletion(fakes, 1, 7);
  await fakes.call('POST', '/config/optout', { type: 'SPACE', keys: ['DOC', 'ARCH'] });
  const page = await fakes.call('GET', '/admin/data-pipeline', undefined, COOKIE);
  assert.equal(page.status, 200);
  for (const text of [
    'Current export',
    'Job 1',
    'Completed',
    'History',
    'Schedule',
    'Export path',
    'Opted-out spaces',
    '/home/sluice/data-pipeline/export',
    '<span class="chip">DOC</span>',
    'Export</button>',
    'Cancel</button>',
  ]) {
    assert.ok(page.body.includes(text), text);
  }
  assert.match(page.body, /https:\/\/wiki\.example\.com/);
});

test('console fragments need the session and unknown ones are 404', async () => {
  const { call } = await setUp();
  assert.equal((await call('GET', '/admin/data-pipeline/fragments/job', undefined, { authorization: '' })).status, 401);
  const job = await call('GET', '/admin/data-pipeline/fragments/job', undefined, COOKIE);
  assert.equal(job.status, 200);
  assert.match(job.body, /^<div id="job" data-status="NOT_STARTED"/);
  for (const name of ['history', 'schedule-card', 'export-path-card', 'optout-card']) {
    assert.equal((await call('GET', `/admin/data-pipeline/fragments/${name}`, undefined, COOKIE)).status, 200, name);
  }
  assert.equal((await call('GET', '/admin/data-pipeline/fragments/nope', undefined, COOKIE)).status, 404);
});

async function completedJobWithFiles(fakes: AdminApp) {
  const root = join(scratch, `root-${Math.random().toString(36).slice(2)}`);
  await mkdir(join(root, '1'), { recursive: true });
  assert.equal((await fakes.call('PUT', '/config/export-path', { path: root })).status, 200);
  await runJobToCompletion(fakes, 1, 2);
  const record = fakes.store.jobs.get(1)!;
  const files = Object.values(record.statistics!.entities).map((e) => e.file);
  for (const file of files) await writeFile(join(root, '1', file), `header\r\n${file}\r\n`);
  return { root, files };
}

test("a finished job's file downloads as an attachment, with the token or the session cookie", async () => {
  const fakes = await setUp();
  const { files } = await completedJobWithFiles(fakes);
  const users = files.find((f) => f.startsWith('users_'))!;
  for (const headers of [{}, COOKIE]) {
    const got = await fakes.call('GET', `/history/1/files/${encodeURIComponent(users)}`, undefined, headers);
    assert.equal(got.status, 200);
    assert.equal(got.body, `header\r\n${users}\r\n`);
    assert.equal(got.headers.get('content-disposition'), `attachment; filename="${users}"`);
    assert.match(got.headers.get('content-type') ?? '', /^text\/csv/);
  }
  assert.equal((await fakes.call('GET', `/history/1/files/${users}`, undefined, { authorization: '' })).status, 401);
});

test('only the files a completed job recorded, inside its own directory, can be downloaded', async () => {
  const fakes = await setUp();
  const { root, files } = await completedJobWithFiles(fakes);
  await writeFile(join(scratch, 'secret.csv'), 'secret');
  await writeFile(join(root, '1', 'other.csv'), 'not listed');
  const pages = files.find((f) => f.startsWith('pages_'))!;
  await rm(join(root, '1', pages));
  await symlink(join(scratch, 'secret.csv'), join(root, '1', pages));
  const cases: [string, number][] = [
    ['/history/1/files/other.csv', 404],
    [`/history/1/files/${encodeURIComponent('../../secret.csv')}`, 404],
    [`/history/1/files/${encodeURIComponent(pages)}`, 404],
    [`/history/2/files/${encodeURIComponent(pages)}`, 404],
    ['/history/abc/files/x.csv', 400],
  ];
  for (const [path, status] of cases) {
    const got = await fakes.call('GET', path);
    assert.equal(got.status, status, path);
    assert.doesNotMatch(JSON.stringify(got.body), /secret"/, path);
  }
});

test('each console page inlines its bundled browser code, which calls the paths the server routes with the XSRF header', async () => {
  const { call } = await setUp();
  const scripts = await bundleConsole();
  const signIn = await call('GET', '/admin/data-pipeline', undefined, { authorization: '' });
  const page = await call('GET', '/admin/data-pipeline', undefined, COOKIE);
  for (const [html, script] of [
    [signIn.body, scripts.signIn],
    [page.body, scripts.console],
  ]) {
    const inline = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)?.[1];
    assert.equal(inline, script);
  }
  assert.ok(scripts.console.includes(JSON.stringify(API_PATH)), 'the console calls the REST API at its path');
  for (const script of [scripts.console, scripts.signIn]) {
    assert.ok(script.includes(JSON.stringify(CONSOLE_PATH)));
    assert.ok(script.includes(JSON.stringify(XSRF_HEADER)) && script.includes(JSON.stringify(XSRF_VALUE)));
  }
});

test('a session cookie that is not valid percent-encoding is refused like a wrong token', async () => {
  const { call } = await setUp();
  const broken = { authorization: '', cookie: 'sluice_token=%E0%A4%A' };
  assert.equal((await call('GET', '/export', undefined, broken)).status, 401);
  assert.match((await call('GET', '/admin/data-pipeline', undefined, broken)).body, /<form id="signin"/);
});
