// One entity's export writing to a file system that accepts less than asked (a short write, as a nearly
// full disk gives) or nothing (ENOSPC): the file is either complete and exact or not there at all.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { Db, DbRow } from '../../core/source.ts';
import type { EntityTask } from '../../core/job/task.ts';
import { analyticsEventsTask, fileHandlePrototype } from '../helpers/entity-task.ts';
import { runEntityExport } from '../../workers/run-entity-export.ts';
import { createTaskControl } from '../../workers/task-control.ts';

const BASE = 'https://wiki.example.com';
const EVENTS = 450;

/** A fake site with only the analytics events table: keyset pages by the `> ?` key and the LIMIT. */
function fakeEventsDb(): Db & { close(): Promise<void> } {
  const all: DbRow[] = Array.from({ length: EVENTS }, (_, i) => ({
    id: String(i + 1),
    name: `event_${i + 1}`,
    event_at: String(1_700_000_000_000 + i * 1000),
    user_key: `user${i % 7}`,
    space_key: 'DOC',
    container_id: String(100 + i),
    content_id: String(200 + i),
  }));
  return {
    dialect: 'mysql',
    table: (name) => `\`${name}\``,
    id: (name) => `\`${name}\``,
    async query(sql, params = []) {
      const limit = Number(/LIMIT (\d+)/.exec(sql)![1]);
      const after = / > \?/.test(sql) ? Number(params[params.length - 1]) : 0;
      return all.filter((row) => Number(row.id) > after).slice(0, limit);
    },
    close: async () => undefined,
  };
}

/** The file the fake site must give, written out from the SPEC's column list and date format. */
function expectedCsv(): string {
  const lines = ['instance_url,event_id,event_name,created_date,event_author_id,event_space_key,event_container_id,event_content_id'];
  for (let i = 0; i < EVENTS; i++) {
    const created = new Date(1_700_000_000_000 + i * 1000).toISOString();
    lines.push(`${BASE},${i + 1},event_${i + 1},${created},user${i % 7},DOC,${100 + i},${200 + i}`);
  }
  return lines.map((line) => `${line}\r\n`).join('');
}

describe('runEntityExport on a file system that is filling up', () => {
  let dir: string;
  let task: EntityTask;
  let writeProto: { write: (...args: any[]) => Promise<{ bytesWritten: number }> };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-writes-'));
    task = analyticsEventsTask(dir, 'analytics_events_job1_2024_01_01T00_00_00Z.csv', BASE);
    writeProto = await fileHandlePrototype(dir);
  });
  afterEach(async () => {
    mock.restoreAll();
    await rm(dir, { recursive: true, force: true });
  });

  test('a short write is carried on, so the finished file holds every byte', async () => {
    const original = writeProto.write;
    let calls = 0;
    mock.method(writeProto, 'write', function (this: unknown, data: unknown, ...rest: unknown[]) {
      // The second write (the first chunk of rows) is accepted only in part, as on a nearly full disk.
      if (++calls !== 2) return original.call(this, data, ...rest);
      const bytes =
        typeof data === 'string'
          ? Buffer.from(data)
          : (data as Buffer).subarray(Number(rest[0] ?? 0), Number(rest[0] ?? 0) + Number(rest[1] ?? (data as Buffer).length));
      const half = Math.floor(bytes.length / 2);
      // At the position asked for: the export writes at explicit offsets, never at the descriptor's position.
      return original.call(this, bytes.subarray(0, half), 0, half, rest[2]);
    });
    const outcome = await runEntityExport(
      task,
      async () => fakeEventsDb(),
      createTaskControl(task.pacing),
      () => undefined,
    );
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(await readFile(join(dir, task.fileName), 'utf8'), expectedCsv());
  });

  test('a write refused with ENOSPC fails the entity as a full disk, leaving no final file: its .partial holds what it wrote before, as its checkpoint says', async () => {
    const original = writeProto.write;
    let calls = 0;
    mock.method(writeProto, 'write', function (this: unknown, ...args: unknown[]) {
      if (++calls === 3) return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      return original.apply(this, args);
    });
    const outcome = await runEntityExport(
      task,
      async () => fakeEventsDb(),
      createTaskControl(task.pacing),
      () => undefined,
    );
    assert.equal(outcome.ok, false);
    const { checkpoint, ...failure } = outcome as Extract<typeof outcome, { ok: false }>;
    assert.deepEqual(failure, { ok: false, code: 'disk', message: 'Cannot write analytics_events: the disk is full' });
    assert.deepEqual(await readdir(dir), [`${task.fileName}.partial`]);
    // The header and the first chunk (the initial 100 rows) were written; the second was refused.
    const expected = Buffer.from(expectedCsv());
    const kept = expected.subarray(0, checkpoint!.bytes).toString();
    assert.deepEqual({ ...checkpoint, durationMs: 0 }, { after: '100', rows: 100, scanned: 100, bytes: Buffer.byteLength(kept), durationMs: 0 });
    assert.equal(kept.split('\r\n').length - 2, 100, 'the checkpoint ends after row 100');
    assert.equal(await readFile(join(dir, `${task.fileName}.partial`), 'utf8'), kept);
  });
});
