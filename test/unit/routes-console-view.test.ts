// What the console and the CLI show for a job: status labels, totals, rates, ETAs and the job panel's
// HTML. Figures are worked out by hand from the status objects below.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobPanel } from '../../core/http/console/job-panel.tsx';
import { formatBytes, formatCount, formatDuration, STATUS_LABELS, summarize } from '../../core/http/console/view-model.ts';
import type { JobStatus } from '../../core/job/status.ts';
import { renderBars, renderHistory, renderOutcome, renderPlain } from '../../bin/progress-view.ts';

const START = '2024-03-05T14:00:00.000+00:00';
const NOW = Date.parse('2024-03-05T14:01:40.000Z'); // 100 s after the start

function job(patch: Partial<JobStatus>): JobStatus {
  return {
    startTime: START,
    completedTime: null,
    cancelledTime: null,
    nodeId: 'node1',
    jobId: 4,
    status: 'STARTED',
    config: { exportFrom: '2024-01-01T00:00:00+00:00', forcedExport: false, schemaVersion: 1 },
    statistics: null,
    warnings: null,
    errors: null,
    rootExportPath: '/exports',
    progress: {},
    ...patch,
  };
}

const RUNNING = job({
  progress: {
    users: { rows: 1000, estimatedRows: 1000, state: 'done' },
    pages: {
      rows: 2000,
      estimatedRows: 8000,
      state: 'running',
      governor: { chunkRows: 500, rowsPerSecond: 40, dutyCycle: 0.0125, paused: false, reason: null },
    },
    comments: { rows: 0, estimatedRows: null, state: 'pending' },
    analytics_events: {
      rows: 3000,
      estimatedRows: 4000,
      state: 'running',
      governor: { chunkRows: 2000, rowsPerSecond: 100, dutyCycle: 0.0125, paused: true, reason: 'Threads_running 40 above 32' },
    },
  },
});

test('every job state has the label the SPEC lists', () => {
  assert.deepEqual(STATUS_LABELS, {
    NOT_STARTED: 'Not started',
    STARTED: 'Started',
    COMPLETED: 'Completed',
    CANCELLATION_REQUESTED: 'Cancellation requested',
    CANCELLED: 'Cancelled',
    FAILED: 'Failed',
  });
});

test("a running job's totals, rate and ETA come from its entities and the time since it started", () => {
  const s = summarize(RUNNING, NOW);
  assert.equal(s.label, 'Started');
  assert.equal(s.totalRows, 6000);
  assert.equal(s.totalEstimated, null, 'comments has no estimate yet');
  assert.equal(s.rowsPerSecond, 60); // 6000 rows in 100 s
  assert.equal(s.etaSeconds, null);
  const pages = s.entities.find((e) => e.name === 'pages')!;
  assert.deepEqual([pages.percent, pages.rowsPerSecond, pages.etaSeconds], [25, 40, 150]); // 6000 left at 40/s
  const users = s.entities.find((e) => e.name === 'users')!;
  assert.deepEqual([users.percent, users.etaSeconds], [100, 0]);
  assert.equal(s.entities.find((e) => e.name === 'comments')!.percent, null);
});

test('with every estimate known the job has an overall percentage and ETA', () => {
  const known = job({ progress: { ...RUNNING.progress, comments: { rows: 0, estimatedRows: 2000, state: 'pending' } } });
  const s = summarize(known, NOW);
  // users 1000 (done) + pages 8000 + comments 2000 + events 4000 = 15000; 6000 written, 9000 left at 60 rows/s.
  assert.equal(s.totalEstimated, 15_000);
  assert.equal(s.percent, 40);
  assert.equal(s.etaSeconds, 150);
});

test('a running entity past its estimate shows 99% until it is done', () => {
  const s = summarize(job({ progress: { pages: { rows: 120, estimatedRows: 100, state: 'running' } } }), NOW);
  assert.equal(s.entities[0].percent, 99);
});

test('numbers, sizes and durations read the way an administrator expects', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(null), '–');
  assert.deepEqual([formatBytes(512), formatBytes(1536), formatBytes(5 * 1024 ** 3)], ['512 B', '1.5 KB', '5.0 GB']);
  assert.deepEqual(
    [formatDuration(9_400), formatDuration(185_000), formatDuration(2 * 3600_000 + 5 * 60_000), formatDuration(null)],
    ['9s', '3m 05s', '2h 05m', '–'],
  );
});

test("the job panel shows a bar per entity, the governor's pause and reason, and carries the figures the chart samples", async () => {
  const html = String(await JobPanel({ job: RUNNING, nowMs: NOW }));
  assert.match(html, /data-status="STARTED"/);
  assert.match(html, /data-rows="6000"/);
  assert.match(html, /data-running="true"/);
  for (const entity of ['users', 'pages', 'comments', 'analytics_events']) assert.match(html, new RegExp(`data-entity="${entity}"`));
  assert.match(html, /<i style="width:25%"><\/i>/);
  assert.match(html, /paused: Threads_running 40 above 32/);
  assert.match(html, /chunk 500 · works 1\.3% of the time/);
  assert.match(html, /2,000<span class="muted"> \/ 8,000/);
});

test('the job panel shows what the governor measures of the site and why it slows the export', async () => {
  const pacing = {
    mode: 'governed' as const,
    budget: 0.05,
    share: null,
    pace: 0.42,
    state: 'steering' as const,
    baselineMs: 2.02,
    currentMs: 2.1,
    slowdown: 0.04,
    activity: 3.2,
    idleCores: 0.1,
    reason: 'the site is 4.0% slower (probe 2.10 ms against 2.02 ms; budget 5.0%): slowing down',
  };
  const html = String(await JobPanel({ job: { ...RUNNING, pacing }, nowMs: NOW }));
  assert.match(html, /class="pacing slowing"/);
  assert.match(html, /pace 0\.42 entities: the site is 4\.0% slower/);
  assert.match(html, /the site&#39;s probe 2\.10 ms against 2\.02 ms without the export, \+4\.0% \(budget 5\.0%\)/);
  const idle = String(await JobPanel({ job: { ...RUNNING, pacing: { ...pacing, state: 'idle-site' as const, pace: 4, reason: null } }, nowMs: NOW }));
  assert.match(idle, /the site&#39;s database is idle: exporting flat out/);
  assert.doesNotMatch(idle, /class="pacing slowing"/);
  const cpu = String(await JobPanel({ job: { ...RUNNING, pacing: { ...pacing, cpuSlowdown: 0.031, slowdown: 0.031 } }, nowMs: NOW }));
  assert.match(cpu, /the export&#39;s CPU slows the site by 3\.1% \(0\.10 cores idle\), \+3\.1% \(budget 5\.0%\)/);
  const fixed = String(await JobPanel({ job: { ...RUNNING, pacing: { ...pacing, mode: 'fixed' as const, share: 0.025, budget: null } }, nowMs: NOW }));
  assert.match(fixed, /a fixed share of 2\.5% of this machine&#39;s cores/);
});

test('an interrupted export shows what a resume would keep, with the Resume button; none shows without one', async () => {
  const cancelled = job({ status: 'CANCELLED', completedTime: '2024-03-05T14:00:05.000+00:00', cancelledTime: '2024-03-05T14:00:05.000+00:00' });
  const offer = {
    jobId: 4,
    status: 'CANCELLED' as const,
    crashed: false,
    entities: [
      { name: 'users', done: true, rows: 1000 },
      { name: 'pages', done: false, rows: 1500 },
      { name: 'comments', done: false, rows: 0 },
    ],
    entitiesDone: 1,
    rowsKept: 2500,
  };
  const html = String(await JobPanel({ job: cancelled, nowMs: NOW, offer }));
  assert.match(html, /<div id="resume" class="note resume" data-job-id="4" data-entities-done="1" data-rows="2500">/);
  assert.match(html, /Job 4 was cancelled\. A resume keeps <b>1 of 3<\/b> entities done and <b>2,500<\/b> rows written/);
  assert.match(html, /title="Users: done, 1,000 rows\nPages: 1,500 rows\nComments: 0 rows"/);
  assert.match(html, /<button id="resume-button" class="primary" type="button">Resume job 4<\/button>/);
  const crashed = String(
    await JobPanel({ job: { ...RUNNING, heartbeat: { time: START, stale: true } }, nowMs: NOW, offer: { ...offer, status: 'STARTED', crashed: true } }),
  );
  assert.match(crashed, /Job 4 was left running by a node that stopped\./);
  assert.doesNotMatch(String(await JobPanel({ job: cancelled, nowMs: NOW })), /resume-button/);
});

test('a failed job shows its errors and an empty panel says nothing has run', async () => {
  const failed = job({
    status: 'FAILED',
    completedTime: '2024-03-05T14:00:05.000+00:00',
    errors: [{ key: 'export.failed', message: 'Cannot read <CONTENT>' }],
  });
  const html = String(await JobPanel({ job: failed, nowMs: NOW }));
  assert.match(html, /class="badge s-FAILED">Failed</);
  assert.match(html, /Cannot read &lt;CONTENT&gt;/, 'messages are escaped');
  assert.match(String(await JobPanel({ job: null, nowMs: NOW })), /Not started/);
});

test('the CLI draws one bar line per entity under a headline, and a plain line for logs', () => {
  const lines = renderBars(RUNNING, NOW);
  assert.equal(lines.length, 5);
  assert.equal(lines[0], 'Job 4 Started · 6,000 rows · 60 rows/s · elapsed 1m 40s');
  assert.match(lines[2], /^ {2}Pages {13}█{6}░{18} {2}25% {2}\s+2,000 \/ 8,000 {2}40 rows\/s {2}ETA 2m 30s$/);
  assert.match(lines[4], /paused: Threads_running 40 above 32$/);
  assert.equal(
    renderPlain(RUNNING, NOW),
    'Job 4 Started · 6,000 rows · 60 rows/s · elapsed 1m 40s | users 1,000 done, pages 2,000, comments 0 pending, analytics_events 3,000',
  );
});

test('the CLI ends with the outcome and files, and lists history as a table', () => {
  const done = job({
    status: 'COMPLETED',
    completedTime: '2024-03-05T14:02:00.000+00:00',
    statistics: {
      exportedEntities: 3,
      writtenRows: 3,
      entities: { users: { rows: 3, bytes: 2048, durationMs: 10, file: 'users_job4_2024_03_05T14_00_00Z.csv' } },
    },
  });
  assert.deepEqual(renderOutcome(done), [
    'Job 4 Completed at 2024-03-05 14:02:00',
    '  users                       3 rows     2.0 KB  users_job4_2024_03_05T14_00_00Z.csv',
    '  Files in /exports/4',
  ]);
  assert.deepEqual(renderHistory([done]), ['JOB  STATUS     STARTED              DURATION  ROWS', '  4  Completed  2024-03-05 14:00:00    2m 00s     3']);
  const resumed = { ...done, config: { ...done.config, resumedFrom: 3 } };
  assert.equal(renderOutcome(resumed)[0], 'Job 4 Completed at 2024-03-05 14:02:00 (resumed from job 3)');
  const failed = job({
    status: 'FAILED',
    completedTime: '2024-03-05T14:02:00.000+00:00',
    errors: [{ key: 'export.failed', message: 'Cannot export pages: lost' }],
  });
  assert.deepEqual(renderOutcome(failed), [
    'Job 4 Failed at 2024-03-05 14:02:00',
    '  error: Cannot export pages: lost',
    '  Its files are kept: `sluice export --resume` carries it on where it stopped',
  ]);
});

test('a cancelled or failed job shows its entities as stopped, at the share of their estimate they reached', () => {
  const cancelled = job({
    status: 'CANCELLED',
    completedTime: '2024-03-05T14:00:10.000+00:00',
    cancelledTime: '2024-03-05T14:00:10.000+00:00',
    progress: {
      users: { rows: 45, estimatedRows: 90, state: 'done' },
      spaces: { rows: 17, estimatedRows: 17, state: 'done' },
      pages: { rows: 0, estimatedRows: null, state: 'done' },
    },
  });
  const s = summarize(cancelled, NOW);
  assert.deepEqual(
    s.entities.map((e) => [e.state, e.percent]),
    [
      ['stopped', 50],
      ['stopped', 100],
      ['stopped', null],
    ],
  );
  assert.equal(s.running, false);
  assert.equal(s.etaSeconds, null);
});
