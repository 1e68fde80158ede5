// The real server refusing to start: one line on stderr naming what is wrong, and a non-zero exit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createE2eSite, type E2eSite } from '../helpers/e2e-site.ts';
import { findFreePort, runServerToExit, stopAllServers } from '../helpers/server.ts';

// Generous for a loaded machine: a refusal needs only the TypeScript loaded and the settings read.
const REFUSAL_TIMEOUT_MS = 60_000;
// SPEC: an unreachable database must be reported promptly, not after a driver's default minutes.
const UNREACHABLE_TIMEOUT_MS = 15_000;

function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '');
}

describe('start-up errors', () => {
  let site: E2eSite | undefined;
  before(async () => {
    site = await createE2eSite();
  });
  after(async () => {
    await stopAllServers();
    await site?.db.drop();
  });

  const invalid: [what: string, setting: string, env: Record<string, string | undefined>][] = [
    ['PORT=abc', 'PORT', { PORT: 'abc' }],
    ['SOURCE_TIMEZONE=Mars/Olympus', 'SOURCE_TIMEZONE', { SOURCE_TIMEZONE: 'Mars/Olympus' }],
    ['no SLUICE_TOKENS', 'SLUICE_TOKENS', { SLUICE_TOKENS: undefined }],
    ['SLUICE_IMPACT_BUDGET=5', 'SLUICE_IMPACT_BUDGET', { SLUICE_IMPACT_BUDGET: '5' }],
    ['SLUICE_MIN_FREE_DISK=lots', 'SLUICE_MIN_FREE_DISK', { SLUICE_MIN_FREE_DISK: 'lots' }],
    ['SLUICE_AUTO_RESUME=yes', 'SLUICE_AUTO_RESUME', { SLUICE_AUTO_RESUME: 'yes' }],
    ['an oracle:// DATABASE_URL', 'DATABASE_URL', { DATABASE_URL: 'oracle://scott@127.0.0.1/orcl' }],
  ];
  for (const [what, setting, env] of invalid) {
    test(`${what} stops the server with one line on stderr naming ${setting}`, async () => {
      const port = await findFreePort();
      const result = await runServerToExit({ DATABASE_URL: site!.db.url, PORT: String(port), ...env }, REFUSAL_TIMEOUT_MS);
      assert.equal(result.timedOut, false, `still running after ${REFUSAL_TIMEOUT_MS} ms: ${result.stdout}${result.stderr}`);
      assert.notEqual(result.code, 0);
      const lines = stderrLines(result.stderr);
      assert.equal(lines.length, 1, `stderr: ${result.stderr}`);
      assert.match(lines[0], new RegExp(`\\b${setting}\\b`));
      assert.doesNotMatch(result.stdout, /Listening on/);
    });
  }

  test('an unreachable DATABASE_URL stops the server promptly with one clear line', async () => {
    const closedPort = await findFreePort();
    const result = await runServerToExit(
      { DATABASE_URL: `mysql://root@127.0.0.1:${closedPort}/confluence`, PORT: String(await findFreePort()) },
      UNREACHABLE_TIMEOUT_MS,
    );
    assert.equal(result.timedOut, false, `still running after ${UNREACHABLE_TIMEOUT_MS} ms: ${result.stdout}${result.stderr}`);
    assert.notEqual(result.code, 0);
    const lines = stderrLines(result.stderr);
    assert.equal(lines.length, 1, `stderr: ${result.stderr}`);
    assert.match(lines[0], new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
    assert.match(lines[0], /connect|reach|unavailable/i);
  });
});
