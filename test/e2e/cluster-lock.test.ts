// Two real servers on different ports sharing one PIPELINE_HOME: one export at a time across both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createE2eSite, exportRoot, listDir, type E2eSite } from '../helpers/e2e-site.ts';
import { waitFor, waitForJobEnd, type ApiResponse } from '../helpers/http.ts';
import { createTempHome, startServer, stopAllServers, type RunningServer } from '../helpers/server.ts';

// Enough requests in flight at once that both nodes race for the lock many times over.
const POSTS_PER_NODE = 25;

type Answer = ApiResponse & { node: RunningServer };
// The smallest fixed share the configuration accepts: each entity pauses hundreds of times a chunk's work
// after each chunk, so the export is still running while the test races and cancels it.
const SLOW_SHARE = '0.001';

describe('two servers on one shared home', () => {
  let site: E2eSite | undefined;
  let nodes: Record<'a' | 'b', RunningServer>;
  let winner: RunningServer;
  let other: RunningServer;
  let winning: Answer;

  before(async () => {
    site = await createE2eSite();
    const home = await createTempHome();
    const env = (nodeId: string) => ({ DATABASE_URL: site!.db.url, NODE_ID: nodeId, SLUICE_FIXED_SHARE: SLOW_SHARE });
    const [a, b] = await Promise.all([startServer({ home, env: env('node-a') }), startServer({ home, env: env('node-b') })]);
    nodes = { a, b };
  });
  after(async () => {
    await stopAllServers();
    await site?.db.drop();
  });

  test(`of ${2 * POSTS_PER_NODE} concurrent POSTs to both nodes exactly one gets 202 and every other one 409 with the winner's status`, async () => {
    const requests: Promise<Answer>[] = [];
    for (let i = 0; i < POSTS_PER_NODE; i++) {
      for (const node of [nodes.a, nodes.b]) {
        requests.push(node.api(`/export?fromDate=${encodeURIComponent(site!.fromDate)}`, { method: 'POST' }).then((r) => ({ ...r, node })));
      }
    }
    const answers = await Promise.all(requests);
    const accepted = answers.filter((r) => r.status === 202);
    assert.equal(accepted.length, 1, `202 answers: ${JSON.stringify(accepted.map((r) => r.body))}`);
    winning = accepted[0];
    winner = winning.node;
    other = winner === nodes.a ? nodes.b : nodes.a;
    assert.equal(winning.body.jobId, 1);
    assert.equal(winning.body.nodeId, winner === nodes.a ? 'node-a' : 'node-b');
    for (const answer of answers.filter((r) => r !== winning)) {
      assert.equal(answer.status, 409, JSON.stringify(answer.body));
      assert.equal(answer.body.jobId, 1, JSON.stringify(answer.body));
      assert.equal(answer.body.nodeId, winning.body.nodeId);
      assert.equal(answer.body.startTime, winning.body.startTime);
      assert.equal(answer.body.status, 'STARTED');
    }
  });

  test('both nodes report the one running job, and only one export directory exists', async () => {
    for (const node of [nodes.a, nodes.b]) {
      const { status, body } = await node.api('/export');
      assert.equal(status, 200);
      assert.equal(body.jobId, 1);
      assert.equal(body.status, 'STARTED', JSON.stringify(body));
      assert.equal(body.nodeId, winning.body.nodeId);
    }
    assert.deepEqual(await listDir(exportRoot(nodes.a.home)), ['1']);
  });

  test('DELETE on the other node cancels the job the winner runs: CANCELLATION_REQUESTED, then CANCELLED', async () => {
    const cancel = await other.api('/export', { method: 'DELETE' });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.equal(cancel.body.jobId, 1);
    assert.equal(cancel.body.status, 'OK');
    const seen: string[] = [];
    const final = await waitFor(
      async () => {
        const { body } = await other.api('/export');
        if (seen.at(-1) !== body.status) seen.push(body.status);
        return body.status === 'CANCELLED' ? body : undefined;
      },
      { what: 'job 1 to be CANCELLED', timeoutMs: 60_000, intervalMs: 50 },
    );
    assert.deepEqual(seen, ['CANCELLATION_REQUESTED', 'CANCELLED']);
    assert.notEqual(final.cancelledTime, null);
    assert.equal(final.completedTime, final.cancelledTime);
    assert.equal((await winner.api('/export')).body.status, 'CANCELLED');
  });

  test('once cancelled, the other node can start job 2 and a second DELETE is answered on the winner', async () => {
    const next = await other.api(`/export?fromDate=${encodeURIComponent(site!.fromDate)}`, { method: 'POST' });
    assert.equal(next.status, 202, JSON.stringify(next.body));
    assert.equal(next.body.jobId, 2);
    assert.equal(next.body.nodeId, other === nodes.a ? 'node-a' : 'node-b');
    const busy = await winner.api('/export', { method: 'POST' });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.jobId, 2);
    const cancel = await winner.api('/export?jobId=2', { method: 'DELETE' });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.equal((await waitForJobEnd(winner.api, 2, 60_000)).status, 'CANCELLED');
  });
});
