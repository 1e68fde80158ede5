// The job status object's pure transitions (core/jobs.ts).
process.env.TZ = 'Australia/Sydney';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fileNameOf,
  fileStampOf,
  finish,
  isRunning,
  isTerminal,
  JOB_STATES,
  requestCancel,
  toStatus,
  type JobRecord,
  type JobState,
} from '../../core/job/status.ts';

const started: JobRecord = {
  startTime: '2021-01-13T09:01:01.917+11:00',
  completedTime: null,
  cancelledTime: null,
  nodeId: 'node2',
  jobId: 56,
  status: 'STARTED',
  config: { exportFrom: '2020-07-17T08:00:00+10:00', forcedExport: false, schemaVersion: 1 },
  statistics: null,
  warnings: null,
  errors: null,
  rootExportPath: '/var/atlassian/shared/data-pipeline/export',
  progress: {},
  owner: { nodeId: 'node2', pid: 77, heartbeatMs: 0 },
  fromMs: 0,
  exportDir: '/x/56',
  fileStamp: '2021_01_12T22_01_01Z',
  trigger: 'api',
};
// 2021-01-13T00:00:00.000Z is 11:00 in Sydney (daylight saving time, +11:00).
const AT = new Date(Date.UTC(2021, 0, 13));

test('only COMPLETED, CANCELLED and FAILED are terminal', () => {
  const terminal = JOB_STATES.filter((s) => isTerminal(s));
  assert.deepEqual(terminal, ['COMPLETED', 'CANCELLED', 'FAILED']);
  assert.deepEqual(
    JOB_STATES.filter((s) => isRunning({ status: s })),
    ['STARTED', 'CANCELLATION_REQUESTED'],
  );
  assert.equal(isRunning(null), false);
});

test('a cancel request moves STARTED to CANCELLATION_REQUESTED and leaves every other state alone', () => {
  assert.equal(requestCancel(started).status, 'CANCELLATION_REQUESTED');
  for (const status of ['CANCELLATION_REQUESTED', 'COMPLETED', 'CANCELLED', 'FAILED'] as JobState[]) {
    assert.equal(requestCancel({ ...started, status }).status, status);
  }
});

test('finishing sets completedTime always and cancelledTime only for CANCELLED, in the local offset with milliseconds', () => {
  const completed = finish(started, 'COMPLETED', AT);
  assert.deepEqual([completed.status, completed.completedTime, completed.cancelledTime], ['COMPLETED', '2021-01-13T11:00:00.000+11:00', null]);
  const failed = finish(started, 'FAILED', AT, { errors: [{ key: 'export.failed', message: 'Cannot read' }] });
  assert.deepEqual([failed.status, failed.cancelledTime, failed.errors], ['FAILED', null, [{ key: 'export.failed', message: 'Cannot read' }]]);
  const cancelled = finish(requestCancel(started), 'CANCELLED', AT);
  assert.deepEqual(
    [cancelled.status, cancelled.completedTime, cancelled.cancelledTime],
    ['CANCELLED', '2021-01-13T11:00:00.000+11:00', '2021-01-13T11:00:00.000+11:00'],
  );
});

test('a finished job stays as it finished', () => {
  const cancelled = finish(started, 'CANCELLED', AT);
  assert.equal(finish(cancelled, 'COMPLETED', new Date(AT.getTime() + 1000)), cancelled);
  assert.equal(finish(cancelled, 'FAILED', AT, { errors: [{ key: 'k', message: 'm' }] }).errors, null);
});

test("the API view drops the journal's bookkeeping and shows the heartbeat only while running", () => {
  const heartbeat = { time: '2021-01-13T09:01:02.000+11:00', stale: false };
  const view = toStatus(started, heartbeat);
  assert.deepEqual(Object.keys(view).sort(), [
    'cancelledTime',
    'completedTime',
    'config',
    'errors',
    'heartbeat',
    'jobId',
    'nodeId',
    'progress',
    'rootExportPath',
    'startTime',
    'statistics',
    'status',
    'warnings',
  ]);
  assert.equal('heartbeat' in toStatus(finish(started, 'COMPLETED', AT), heartbeat), false);
  assert.equal('owner' in toStatus(started), false);
});

test('file names carry the job id and its start in UTC cut to the second', () => {
  const stamp = fileStampOf(new Date('2021-01-12T22:01:01.917Z'));
  assert.equal(stamp, '2021_01_12T22_01_01Z');
  assert.equal(fileNameOf('pages', 3, stamp), 'pages_job3_2021_01_12T22_01_01Z.csv');
  assert.equal(fileNameOf('analytics_events', 12, '2021_01_13T09_01_01Z'), 'analytics_events_job12_2021_01_13T09_01_01Z.csv');
});
