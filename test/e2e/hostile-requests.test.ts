// Bad input of every kind, sent over the socket while an export runs: each request gets a 4xx with
// {errors:[{key,message}]} (or the 409 bodies the spec gives), never a 500; the token never reaches the
// server's output; and the export goes on to complete with exactly the database's rows.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { assertExportMatches, createCheckedSite, exportQuery, siteEnv, type CheckedSite } from '../helpers/export-check.ts';
import { API_BASE, readResponse, waitForJobEnd, type ApiResponse } from '../helpers/http.ts';
import { startServer, stopAllServers, TEST_TOKEN, type RunningServer } from '../helpers/server.ts';
import { HOSTILE_CASES, WRONG_TOKENS, type HostileCase } from '../helpers/hostile-cases.ts';

// Paced so the export outlasts the whole table many times over (about 15 s against under 1 s here).
const SHARE = '0.0075';

let site: CheckedSite | undefined;
let server: RunningServer;
let jobId: number;
let tableStart = 0;

before(async () => {
  site = await createCheckedSite(20);
  server = await startServer({ env: { ...siteEnv(site), SLUICE_FIXED_SHARE: SHARE } });
  const started = await server.api(exportQuery(site), { method: 'POST' });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  jobId = started.body.jobId;
});
after(async () => {
  await stopAllServers();
  await site?.db.drop();
});

function assertErrorBody(response: ApiResponse, what: string): void {
  const errors = response.body?.errors;
  assert.ok(Array.isArray(errors) && errors.length > 0, `${what}: expected {errors:[…]}, got ${JSON.stringify(response.body).slice(0, 300)}`);
  for (const error of errors) {
    assert.equal(typeof error.key, 'string', what);
    assert.ok(error.key.length > 0 && typeof error.message === 'string' && error.message.length > 0, `${what}: ${JSON.stringify(error)}`);
  }
}

async function send(c: HostileCase): Promise<ApiResponse> {
  const path = c.path.startsWith('/rest') || c.path.startsWith('/admin') ? c.path : `${API_BASE}${c.path}`;
  const headers = new Headers({ authorization: `Bearer ${TEST_TOKEN}`, 'x-atlassian-token': 'no-check' });
  for (const [name, value] of Object.entries(c.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return readResponse(await fetch(`${server.url}${path}`, { method: c.method, headers, body: c.body, signal: AbortSignal.timeout(30_000) }));
}

describe('hostile requests while an export runs', { timeout: 600_000 }, () => {
  test('the export is running when the hostile requests begin', async () => {
    assert.equal((await server.api('/export')).body.status, 'STARTED');
    tableStart = Date.now();
  });

  for (const c of HOSTILE_CASES) {
    test(`${c.method} ${c.label ?? c.path.slice(0, 120)} → ${c.status}${c.key ? ` ${c.key}` : ''}`, async () => {
      const response = await send(c);
      assert.equal(response.status, c.status, `${c.method} ${c.path.slice(0, 200)}: ${JSON.stringify(response.body).slice(0, 300)}`);
      if (c.status === 409 && c.method === 'POST') assert.equal(response.body.jobId, jobId, 'a 409 carries the running job');
      else if (c.status === 409) assert.equal(response.body.status, 'WARNING');
      else {
        assertErrorBody(response, `${c.method} ${c.path.slice(0, 100)}`);
        if (c.key)
          assert.ok(
            response.body.errors.some((e: { key: string }) => e.key === c.key),
            JSON.stringify(response.body.errors),
          );
      }
    });
  }

  test('bytes that are not HTTP, and a body cut off mid-way, get a 400 or a closed connection and leave the server answering', async () => {
    const reply = await rawExchange('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.1 400 /);
    assert.match(reply, /"errors":\[\{"key":"bad\.request"/);
    await rawExchange(
      `PUT ${API_BASE}/config/export-path HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n` +
        'X-Atlassian-Token: no-check\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"path": "/tm',
    );
    assert.equal((await server.api('/export')).status, 200);
  });

  test('the export was not disturbed: still running, no setting changed', async () => {
    const { body } = await server.api('/export');
    console.log(`${HOSTILE_CASES.length} hostile requests and two raw exchanges took ${Date.now() - tableStart} ms; the export was ${body.status}`);
    assert.equal(body.jobId, jobId);
    assert.equal(body.status, 'STARTED', 'still running after every hostile request (a slower export would show this too)');
    assert.equal((await server.api('/config/export-path')).body.customPathSet, false);
    assert.deepEqual((await server.api('/config/optout')).body.keys, []);
    assert.equal((await server.api('/config/schedule')).body.nextRunTime, null);
  });

  test("the export COMPLETES with exactly the database's rows", async () => {
    await assertExportMatches(server.home, await waitForJobEnd(server.api, jobId, 300_000), site!);
  });

  test("no token, right or wrong, appears in the server's output, and no request failed with a 5xx", () => {
    const output = server.output();
    for (const token of [TEST_TOKEN, ...WRONG_TOKENS]) assert.ok(!output.includes(token), `the output holds the token ${token.slice(0, 20)}…`);
    assert.doesNotMatch(output, /Request \S+ \S+ failed/, output.slice(-2000));
  });
});

/** Sends raw bytes and resolves with whatever comes back before the server closes (or 5 s pass). */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    let reply = '';
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(bytes, 'latin1');
      socket.end();
    });
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.setEncoding('utf8').on('data', (text) => (reply += text));
    socket
      .on('close', () => {
        clearTimeout(timer);
        resolve(reply);
      })
      .on('error', () => undefined);
  });
}
