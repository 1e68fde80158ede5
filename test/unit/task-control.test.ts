// A running task's control (workers/task-control.ts): the kernel's cancel is one AbortSignal that ends every
// wait and read of the task at once, and its pacing messages set its duty cycle and hold it.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type EntityTask, FLAT_OUT } from '../../core/job/task.ts';
import type { Db } from '../../core/source.ts';
import { sleep, TaskCancelled } from '../../workers/cancellation.ts';
import { withRetries } from '../../workers/retry.ts';
import { runEntityExport } from '../../workers/run-entity-export.ts';
import { createTaskControl } from '../../workers/task-control.ts';

const never = new Promise<never>(() => undefined);
/** Settles with what `promise` gave, or 'pending' if it has not settled by the next turn of the event loop. */
const byNextTurn = <T>(promise: Promise<T>) =>
  Promise.race([
    promise.then(
      (value) => value,
      (error: unknown) => error,
    ),
    new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending'))),
  ]);

/** A database whose every query waits forever, as behind another session's table lock or a silent network. */
function blockedDb(): Db & { close(): Promise<void> } {
  return { dialect: 'mysql', table: (name) => `\`${name}\``, id: (name) => `\`${name}\``, query: () => never, close: async () => undefined };
}

describe('a task control', () => {
  test('a cancel ends a wait at once, with TaskCancelled', async () => {
    const control = createTaskControl(FLAT_OUT);
    const waiting = sleep(60_000, control.signal);
    control.obey({ type: 'cancel' });
    assert.ok((await byNextTurn(waiting)) instanceof TaskCancelled);
  });

  test('a held task rests however long the hold lasts, until its instructions release it', async () => {
    const control = createTaskControl(FLAT_OUT);
    await control.pace.rest(0, control.signal);
    control.obey({ type: 'pace', dutyCycle: 0, hold: true, reason: "measuring the site's latency without the export" });
    const resting = control.pace.rest(0, control.signal);
    assert.equal(await byNextTurn(resting), 'pending');
    control.obey({ type: 'pace', dutyCycle: 0.5, hold: false, reason: null });
    assert.equal(await byNextTurn(resting), undefined);
  });

  test('a cancel ends a hold, with TaskCancelled', async () => {
    const control = createTaskControl(FLAT_OUT);
    control.obey({ type: 'pace', dutyCycle: 0, hold: true, reason: 'busy' });
    const resting = control.pace.rest(0, control.signal);
    control.obey({ type: 'cancel' });
    assert.ok((await byNextTurn(resting)) instanceof TaskCancelled);
  });

  test("the task's duty cycle follows the kernel's pace messages", () => {
    const control = createTaskControl({ first: { type: 'pace', dutyCycle: 0.25, hold: false, reason: null }, costBasis: 'wall' });
    assert.equal(control.pace.current.dutyCycle, 0.25);
    control.obey({ type: 'pace', dutyCycle: 0.5, hold: false, reason: null });
    assert.equal(control.pace.current.dutyCycle, 0.5);
  });

  test('a cancel abandons a read that never answers before the next turn of the event loop, not at a poll', async () => {
    const control = createTaskControl(FLAT_OUT);
    const reading = withRetries(async () => blockedDb(), control.signal).run((db) => db.query('SELECT 1'), 'pages');
    await new Promise((resolve) => setImmediate(resolve));
    control.obey({ type: 'cancel' });
    assert.ok((await byNextTurn(reading)) instanceof TaskCancelled);
  });

  test('a task whose read is blocked ends cancelled within moments of the cancel, leaving its .partial file and the checkpoint of what it holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cancel-'));
    try {
      const task: EntityTask = {
        product: 'confluence',
        entity: 'analytics_events',
        dir,
        fileName: 'analytics_events.csv',
        ctx: { baseUrl: 'https://wiki.example.com', fromMs: 0, fromLocal: '1970-01-01 00:00:00', timezone: 'UTC', optedOut: [], schemaVersion: 1 },
        lineBreak: { preserve: false, escape: '\\n' },
        pacing: FLAT_OUT,
        databaseUrl: 'mysql://x@127.0.0.1:3306/site',
      };
      const control = createTaskControl(task.pacing);
      const exporting = runEntityExport(
        task,
        async () => blockedDb(),
        control,
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const cancelledAt = Date.now();
      control.obey({ type: 'cancel' });
      const outcome = await exporting;
      assert.ok(Date.now() - cancelledAt < 2000, `ended ${Date.now() - cancelledAt} ms after the cancel`);
      const header = 'instance_url,event_id,event_name,created_date,event_author_id,event_space_key,event_container_id,event_content_id\r\n';
      assert.deepEqual(outcome, {
        ok: false,
        code: 'cancelled',
        message: 'Cancelled while exporting analytics_events',
        checkpoint: { after: null, rows: 0, scanned: 0, bytes: header.length, durationMs: (outcome as any).checkpoint?.durationMs },
      });
      assert.deepEqual(await readdir(dir), ['analytics_events.csv.partial']);
      assert.equal(await readFile(join(dir, 'analytics_events.csv.partial'), 'utf8'), header);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
