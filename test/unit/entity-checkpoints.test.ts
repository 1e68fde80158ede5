// One entity's export and its checkpoints (workers/run-entity-export.ts, workers/partial-file.ts): a checkpoint
// is reported only once its bytes are synced, a resumed export carries on from one to give the same file as an
// uninterrupted export, and a worker whose file another node took over stops writing into it.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { Checkpoint } from '../../core/job/status.ts';
import type { EntityOutcome, EntityTask, ProgressReport } from '../../core/job/task.ts';
import type { Db, DbRow } from '../../core/source.ts';
import { CHECKPOINT_MS } from '../../workers/partial-file.ts';
import { analyticsEventsTask, fileHandlePrototype } from '../helpers/entity-task.ts';
import { runEntityExport } from '../../workers/run-entity-export.ts';
import { createTaskControl } from '../../workers/task-control.ts';

const BASE = 'https://wiki.example.com';
const EVENTS = 2000;
// Each query moves the (mocked) clock on by this much: a checkpoint is due after every chunk.
const QUERY_MS = CHECKPOINT_MS;

/** A site with only the analytics events table; `onQuery` runs before each answer (to move the clock, or stop the test). */
function eventsDb(onQuery: () => void | Promise<void> = () => undefined): () => Promise<Db & { close(): Promise<void> }> {
  const all: DbRow[] = Array.from({ length: EVENTS }, (_, i) => ({
    id: String(i + 1),
    name: `event_${i + 1}, "quoted"`,
    event_at: String(1_700_000_000_000 + i * 1000),
    user_key: `user${i % 7}`,
    space_key: i % 3 === 0 ? null : 'DOC',
    container_id: String(100 + i),
    content_id: String(200 + i),
  }));
  return async () => ({
    dialect: 'mysql',
    table: (name) => `\`${name}\``,
    id: (name) => `\`${name}\``,
    async query(sql, params = []) {
      await onQuery();
      const limit = Number(/LIMIT (\d+)/.exec(sql)![1]);
      const after = / > \?/.test(sql) ? Number(params[params.length - 1]) : 0;
      return all.filter((row) => Number(row.id) > after).slice(0, limit);
    },
    close: async () => undefined,
  });
}

let dir: string;
let task: EntityTask;
let handleProto: { datasync: () => Promise<void>; write: (...args: any[]) => Promise<{ bytesWritten: number }> };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-checkpoints-'));
  task = analyticsEventsTask(dir, 'analytics_events_job2_2024_01_01T00_00_00Z.csv', BASE);
  handleProto = await fileHandlePrototype(dir);
});
afterEach(async () => {
  mock.restoreAll();
  mock.timers.reset();
  await rm(dir, { recursive: true, force: true });
});

const partialPath = () => join(dir, `${task.fileName}.partial`);
const finalPath = () => join(dir, task.fileName);

async function exportOnce(
  overrides: Partial<EntityTask> = {},
  onQuery?: () => void | Promise<void>,
  reports: ProgressReport[] = [],
  control = createTaskControl(task.pacing),
): Promise<EntityOutcome> {
  return runEntityExport({ ...task, ...overrides }, eventsDb(onQuery), control, (report) => reports.push(report));
}

/** The whole file, as an uninterrupted export writes it. */
async function uninterrupted(): Promise<Buffer> {
  const outcome = await exportOnce();
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  const bytes = await readFile(finalPath());
  await rm(finalPath());
  return bytes;
}

/** Counts the data rows in a prefix of the file, and the event id of its last one. */
function rowsOf(prefix: Buffer): { rows: number; lastId: string | null } {
  const lines = prefix.toString('utf8').split('\r\n').slice(1, -1);
  return { rows: lines.length, lastId: lines.length === 0 ? null : lines[lines.length - 1].split(',')[1] };
}

describe('checkpoints', () => {
  test('each checkpoint is reported only after the bytes it claims were synced, and ends at the row of its key', async () => {
    const whole = await uninterrupted();
    mock.timers.enable({ apis: ['Date'], now: 0 });
    let synced = 0;
    const datasync = handleProto.datasync;
    mock.method(handleProto, 'datasync', async function (this: any) {
      const size = Number((await this.stat()).size);
      await datasync.call(this);
      synced = size;
    });
    const reports: ProgressReport[] = [];
    const checked: Checkpoint[] = [];
    const outcome = await runEntityExport(
      task,
      eventsDb(() => mock.timers.tick(QUERY_MS)),
      createTaskControl(task.pacing),
      (report) => {
        reports.push(report);
        if (report.checkpoint && !checked.includes(report.checkpoint)) {
          assert.ok(report.checkpoint.bytes <= synced, `a checkpoint of ${report.checkpoint.bytes} bytes when ${synced} were synced`);
          checked.push(report.checkpoint);
        }
      },
    );
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.ok(checked.length >= 2, `${checked.length} checkpoints`);
    for (const checkpoint of checked) {
      const { rows, lastId } = rowsOf(whole.subarray(0, checkpoint.bytes));
      assert.deepEqual([checkpoint.rows, checkpoint.scanned, checkpoint.after], [rows, rows, lastId]);
    }
  });

  test('no checkpoint is reported before the first sync', async () => {
    const reports: ProgressReport[] = [];
    mock.timers.enable({ apis: ['Date'], now: 0 });
    await exportOnce({}, undefined, reports);
    assert.ok(reports.length > 0);
    assert.ok(
      reports.every((r) => r.checkpoint === undefined),
      'an export done within a second takes no checkpoint',
    );
  });
});

describe('an export resumed from a checkpoint', () => {
  for (const at of [0.5, 0.02, 1] as const) {
    test(`carries on after its key and ends with the uninterrupted export's file, byte for byte (checkpoint at ${at * 100}% of the rows)`, async () => {
      const whole = await uninterrupted();
      const header = whole.indexOf('\r\n') + 2;
      const cut = at === 1 ? whole.length : header + whole.subarray(header).indexOf('\r\n', Math.floor((whole.length - header) * at)) + 2;
      const { rows, lastId } = rowsOf(whole.subarray(0, cut));
      const checkpoint: Checkpoint = { after: lastId, rows, scanned: rows, bytes: cut, durationMs: 5000 };
      // What a killed export left past its checkpoint: the start of a chunk the journal never heard of.
      await writeFile(partialPath(), Buffer.concat([whole.subarray(0, cut), Buffer.from('9999,torn row')]), { mode: 0o600 });
      const reports: ProgressReport[] = [];
      const outcome = await exportOnce({ resume: checkpoint }, undefined, reports);
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      assert.deepEqual(await readFile(finalPath()), whole);
      assert.deepEqual(await readdir(dir), [task.fileName]);
      const done = outcome as Extract<EntityOutcome, { ok: true }>;
      assert.deepEqual([done.rows, done.scanned, done.bytes], [EVENTS, EVENTS, whole.length], 'the counts cover the whole file, each row once');
      assert.ok(done.durationMs >= 5000, 'the time spent before counts too');
      assert.ok(
        reports.every((r) => r.rows >= rows),
        'progress starts at the checkpoint',
      );
    });
  }

  test('a .partial shorter than its checkpoint is refused rather than carried on with a hole', async () => {
    const whole = await uninterrupted();
    await writeFile(partialPath(), whole.subarray(0, 100), { mode: 0o600 });
    const outcome = await exportOnce({ resume: { after: '10', rows: 10, scanned: 10, bytes: 2000, durationMs: 0 } });
    assert.equal(outcome.ok, false);
    assert.equal((outcome as { code: string }).code, 'file');
    assert.match((outcome as { message: string }).message, /fewer than its checkpoint/);
  });
});

describe('a worker whose file another node took over', () => {
  test('stops at its next chunk, writes nothing more into the file, and claims no checkpoint', async () => {
    const moved = join(dir, 'moved.partial');
    let queries = 0;
    let size = -1;
    const outcome = await exportOnce({}, async () => {
      // After a few chunks another node moves the file into its own job's directory.
      if (++queries === 4) {
        await rename(partialPath(), moved);
        size = (await readFile(moved)).length;
      }
    });
    assert.equal(outcome.ok, false);
    assert.equal((outcome as { code: string }).code, 'file');
    assert.match((outcome as { message: string }).message, /moved away/);
    assert.equal((outcome as { checkpoint?: Checkpoint }).checkpoint, undefined);
    assert.equal((await readFile(moved)).length, size, 'nothing was written after the move');
    assert.deepEqual((await readdir(dir)).sort(), ['moved.partial']);
  });
});
