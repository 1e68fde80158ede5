// The file journal on a real temporary directory: the exclusive create that is the cluster lock, atomic
// saves, a corrupt file refused and kept, cancel markers, settings and claims.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { createFileJournal, type FileJournal } from '../../adapters/file-journal.ts';
import { JournalCorruptError } from '../../core/errors.ts';
import type { JobRecord } from '../../core/job/status.ts';

let home: string;
let journal: FileJournal;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'sluice-journal-'));
  journal = await createFileJournal(home);
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function job(jobId: number, patch: Partial<JobRecord> = {}): JobRecord {
  return {
    startTime: '2024-03-05T14:07:09.917+00:00',
    completedTime: null,
    cancelledTime: null,
    nodeId: 'node1',
    jobId,
    status: 'STARTED',
    config: { exportFrom: '2023-03-06T14:07:00+00:00', forcedExport: false, schemaVersion: 1 },
    statistics: null,
    warnings: null,
    errors: null,
    rootExportPath: join(home, 'data-pipeline', 'export'),
    progress: {},
    owner: { nodeId: 'node1', pid: 1234, heartbeatMs: 0 },
    fromMs: 0,
    exportDir: join(home, 'data-pipeline', 'export', String(jobId)),
    fileStamp: '2024_03_05T14_07_09Z',
    ...patch,
  };
}

const jobsDir = () => join(home, 'data-pipeline', 'jobs');

test('the journal lives under <home>/data-pipeline with private directories', async () => {
  assert.equal(journal.dir, join(home, 'data-pipeline'));
  for (const dir of ['', 'jobs', 'settings', 'claims']) {
    assert.equal((await stat(join(journal.dir, dir))).mode & 0o777, 0o700, dir || 'data-pipeline');
  }
});

test('an empty journal has no jobs', async () => {
  assert.equal(await journal.latest(), null);
  assert.equal(await journal.get(1), null);
  assert.deepEqual(await journal.list(0, 10), { values: [], size: 0 });
});

test('of 20 concurrent creates of one job id exactly one succeeds, and its record is the one kept', async () => {
  const racers = Array.from({ length: 20 }, (_, i) => job(1, { nodeId: `node${i}` }));
  const results = await Promise.all(racers.map((record) => journal.create(record)));
  assert.equal(results.filter(Boolean).length, 1);
  const winner = racers[results.indexOf(true)];
  assert.deepEqual(await journal.get(1), winner);
  assert.deepEqual(await readdir(jobsDir()), ['job-1.json'], 'no temporary files are left behind');
});

test('two journals on one home share the lock', async () => {
  const other = await createFileJournal(home);
  const results = await Promise.all([journal.create(job(1)), other.create(job(1, { nodeId: 'node2' }))]);
  assert.deepEqual(results.sort(), [false, true]);
});

test('a job file is private to the service', async () => {
  await journal.create(job(1));
  assert.equal((await stat(join(jobsDir(), 'job-1.json'))).mode & 0o777, 0o600);
});

test('save replaces the record whole, and readers only ever see a complete record', async () => {
  await journal.create(job(1, { progress: { pages: { rows: -1, estimatedRows: null, state: 'pending' } } }));
  const saves = Array.from({ length: 40 }, (_, i) => job(1, { progress: { pages: { rows: i, estimatedRows: null, state: 'running' } } }));
  let writing = true;
  const writer = (async () => {
    for (const record of saves) await journal.save(record);
    writing = false;
  })();
  const seen = new Set<number>();
  // Readers running alongside the writer: a torn or missing file would throw or read null here.
  const reader = async () => {
    while (writing) seen.add((await journal.get(1))!.progress.pages.rows);
  };
  await Promise.all([writer, reader(), reader(), reader()]);
  assert.ok(seen.size > 1, `readers saw ${seen.size} versions while the writer ran`);
  assert.deepEqual(await journal.get(1), saves.at(-1));
  assert.deepEqual(await readdir(jobsDir()), ['job-1.json']);
});

test('latest and list go by job id, newest first', async () => {
  for (const id of [1, 2, 10, 3]) await journal.create(job(id, { status: 'COMPLETED' }));
  assert.equal((await journal.latest())?.jobId, 10);
  const page = await journal.list(1, 2);
  assert.deepEqual(
    page.values.map((r) => r.jobId),
    [3, 2],
  );
  assert.equal(page.size, 4);
});

test('a corrupt job file makes verify() throw JournalCorruptError and is left in place', async () => {
  await journal.create(job(1, { status: 'COMPLETED' }));
  const corrupt = join(jobsDir(), 'job-2.json');
  await writeFile(corrupt, '{"jobId": 2, "status": "STAR');
  await assert.rejects(journal.verify(), (error: unknown) => {
    assert.ok(error instanceof JournalCorruptError, 'a JournalCorruptError');
    assert.equal(error.file, corrupt);
    return true;
  });
  await assert.rejects(journal.latest(), JournalCorruptError);
  assert.equal(await readFile(corrupt, 'utf8'), '{"jobId": 2, "status": "STAR');
});

test("a job file holding another job's record is corrupt too", async () => {
  await writeFile(join(jobsDir(), 'job-3.json'), JSON.stringify(job(4)));
  await assert.rejects(journal.verify(), JournalCorruptError);
  await writeFile(join(jobsDir(), 'job-3.json'), '[]');
  await assert.rejects(journal.get(3), JournalCorruptError);
});

test('cancel markers are per job and survive a new journal on the same home', async () => {
  await journal.create(job(1));
  assert.equal(await journal.isCancelRequested(1), false);
  await journal.requestCancel(1);
  await journal.requestCancel(1);
  assert.equal(await journal.isCancelRequested(1), true);
  assert.equal(await journal.isCancelRequested(2), false);
  assert.equal(await (await createFileJournal(home)).isCancelRequested(1), true);
  assert.equal((await journal.latest())?.jobId, 1, 'a marker is not a job');
});

test('settings round-trip as JSON and null removes them', async () => {
  assert.equal(await journal.readSetting('export-path'), null);
  await journal.writeSetting('export-path', { path: '/srv/exports' });
  await journal.writeSetting('optout', { type: 'SPACE', keys: ['HR', 'ÜBER'] });
  assert.deepEqual(await journal.readSetting('export-path'), { path: '/srv/exports' });
  assert.deepEqual(await (await createFileJournal(home)).readSetting('optout'), { type: 'SPACE', keys: ['HR', 'ÜBER'] });
  await journal.writeSetting('export-path', null);
  assert.equal(await journal.readSetting('export-path'), null);
  assert.deepEqual(await readdir(join(journal.dir, 'settings')), ['optout.json']);
});

test('a claim is granted once, even to concurrent callers', async () => {
  const results = await Promise.all(Array.from({ length: 10 }, () => journal.claim('schedule-2024-03-07T02:00')));
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal(await journal.claim('schedule-2024-03-07T02:00'), false);
  assert.equal(await journal.claim('schedule-2024-03-14T02:00'), true);
});

test('claim names cannot leave the claims directory', async () => {
  assert.equal(await journal.claim('../jobs/job-1.json'), true);
  assert.deepEqual(await readdir(jobsDir()), []);
  assert.equal((await readdir(join(journal.dir, 'claims'))).length, 1);
});
