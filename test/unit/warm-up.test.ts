// A pool's thread is warmed on its entity's first rows, read from the site as an export reads them, over
// one connection that it closes; a site it cannot read leaves the thread cold, never failed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerSource } from '../../adapters/sources/open-source.ts';
import type { WarmTask } from '../../core/job/task.ts';
import { WARM_READS, warmUp } from '../../workers/warm-up.ts';
import { CONFLUENCE_TABLES, createFakeOpenDb } from '../helpers/fakes.ts';

const EPOCH_LOCAL = '1970-01-01 00:00:00';

function warmTask(scheme: string, entity: string, product: WarmTask['product'] = 'confluence', schemaVersion = 1): WarmTask {
  return {
    product,
    entity,
    ctx: { baseUrl: 'https://wiki.example.com', fromMs: 0, fromLocal: EPOCH_LOCAL, timezone: 'UTC', optedOut: [], schemaVersion },
    lineBreak: { preserve: false, escape: '\\n' },
    databaseUrl: `${scheme}://site/db`,
  };
}

test('a thread reads its entity from the first row, the same chunk each time, over one connection it closes', async () => {
  const openDb = createFakeOpenDb(CONFLUENCE_TABLES, () => []);
  let connections = 0;
  registerSource('warm-comments', async () => {
    connections++;
    return openDb();
  });
  await warmUp(warmTask('warm-comments', 'comments'));
  assert.equal(connections, 1);
  assert.equal(openDb.open, 0);
  assert.equal(openDb.queries.length, WARM_READS);
  for (const { sql, params } of openDb.queries) {
    assert.match(sql, /CONTENTTYPE = 'COMMENT'/);
    assert.match(sql, / LIMIT 100$/);
    // From the first row: no key to start after, every modification date.
    assert.deepEqual(params, [EPOCH_LOCAL]);
  }
});

test('a site that cannot be opened or read leaves the thread cold: the warm-up still ends, and closes what it opened', async () => {
  const unreachable = createFakeOpenDb(CONFLUENCE_TABLES);
  unreachable.failWith = new Error('connect ECONNREFUSED');
  registerSource('warm-unreachable', async () => unreachable());
  await warmUp(warmTask('warm-unreachable', 'pages'));
  assert.equal(unreachable.queries.length, 0);

  let reads = 0;
  const failing = createFakeOpenDb(CONFLUENCE_TABLES, () => {
    if (++reads === 3) throw new Error('Lost connection to server during query');
    return [];
  });
  registerSource('warm-failing', async () => failing());
  await warmUp(warmTask('warm-failing', 'comments'));
  assert.equal(reads, 3, 'no read after the failed one');
  assert.equal(failing.open, 0);
});

test('an entity its schema version does not export is not read', async () => {
  const openDb = createFakeOpenDb(CONFLUENCE_TABLES);
  registerSource('warm-version', async () => openDb());
  await warmUp(warmTask('warm-version', 'users', 'jira', 1));
  assert.equal(openDb.queries.length, 0);
  assert.equal(openDb.open, 0);
});

test('a site slow to answer ends the reads at their deadline, and a connection that opens late is closed unread', async () => {
  const slow = createFakeOpenDb(CONFLUENCE_TABLES, () => []);
  let release = () => {};
  slow.hold = new Promise<void>((resolve) => (release = resolve));
  registerSource('warm-slow', async () => slow());
  const started = Date.now();
  await warmUp(warmTask('warm-slow', 'comments'), 100);
  const waitedMs = Date.now() - started;
  assert.ok(waitedMs < 1500, `the warm-up waited ${waitedMs} ms for a connection that did not open`);
  release();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(slow.queries.length, 0);
  assert.equal(slow.open, 0);
});
