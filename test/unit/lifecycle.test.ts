// The job's life as a state machine (core/job/lifecycle.ts): every event in every phase, then the behaviours
// that take more than one step.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  next,
  ownedElsewhere,
  PHASES,
  startRun,
  type Effect,
  type EventType,
  type JobEvent,
  type JobLife,
  type Phase,
  type Step,
} from '../../core/job/lifecycle.ts';
import { finish, type Checkpoint, type GovernorView, type JobRecord } from '../../core/job/status.ts';
import { type EntityOutcome, FLAT_OUT } from '../../core/job/task.ts';
import type { PacingView } from '../../core/pacing/pacer.ts';

const T0 = Date.UTC(2024, 2, 5, 14, 7, 9, 917);
const AT = T0 + 60_000;
const DIR = '/home/sluice/data-pipeline/export/7';
const ENTITIES = ['users', 'pages', 'comments'];
const GOVERNOR: GovernorView = { chunkRows: 100, rowsPerSecond: 50, dutyCycle: 1, paused: false, reason: null };
const CPU = { sluiceMs: 12, databaseMs: 8 };
const PACING: PacingView = {
  mode: 'governed',
  budget: 0.05,
  share: null,
  pace: 0.4,
  state: 'steering',
  baselineMs: 2,
  currentMs: 2.06,
  slowdown: 0.03,
  activity: 3,
  idleCores: 0.1,
  reason: 'the site is 3.0% slower: speeding up',
};

const STARTED: JobRecord = {
  startTime: '2024-03-05T14:07:09.917+00:00',
  completedTime: null,
  cancelledTime: null,
  nodeId: 'node1',
  jobId: 7,
  status: 'STARTED',
  config: { exportFrom: '2023-03-06T14:07:00+00:00', forcedExport: false, schemaVersion: 1 },
  statistics: null,
  warnings: null,
  errors: null,
  rootExportPath: '/home/sluice/data-pipeline/export',
  progress: {},
  owner: { nodeId: 'node1', pid: 4242, heartbeatMs: T0 },
  fromMs: Date.UTC(2023, 2, 6, 14, 7),
  exportDir: DIR,
  fileStamp: '2024_03_05T14_07_09Z',
};

const done = (rows: number, scanned = rows): EntityOutcome => ({ ok: true, rows, scanned, bytes: rows * 10, durationMs: rows, file: `f${rows}.csv` });

/** A checkpoint after `rows` rows: key `k<rows>`, 10 bytes a row after a 50-byte header. */
function checkpoint(rows: number, more: { done?: true } = {}): Checkpoint {
  return { after: more.done ? null : `k${rows}`, rows, scanned: rows + 1, bytes: 50 + rows * 10, durationMs: rows * 100, ...more };
}

// ---- One state of every phase, as a job is typically found in it ----

/** Planned: users done, pages running, comments waiting for room in the budget; the estimates still counting. */
const midRun: JobLife = {
  ...startRun({
    ...STARTED,
    progress: {
      users: { rows: 3, estimatedRows: 3, state: 'done' },
      pages: { rows: 20, estimatedRows: 90, state: 'running', governor: GOVERNOR },
      comments: { rows: 0, estimatedRows: null, state: 'pending' },
    },
  }),
  phase: 'running',
  entities: ENTITIES,
  ended: { users: done(3) },
  estimating: true,
};
const cancelledMidRun: JobLife = {
  ...midRun,
  phase: 'stopping',
  stop: { status: 'CANCELLED', by: 'delete' },
  record: { ...midRun.record, status: 'CANCELLATION_REQUESTED', cancelledBy: 'delete' },
};
/** Job 8 carrying job 7 on: planned, taking its files over. */
const RESUMED: JobRecord = {
  ...STARTED,
  jobId: 8,
  config: { ...STARTED.config, resumedFrom: 7 },
  exportDir: '/home/sluice/data-pipeline/export/8',
  fileStamp: '2024_03_05T15_00_00Z',
  checkpoints: { users: checkpoint(3, { done: true }), pages: checkpoint(20) },
  carriedFrom: [{ jobId: 7, dir: DIR, fileStamp: STARTED.fileStamp }],
  discard: [DIR],
  progress: {
    users: { rows: 0, estimatedRows: null, state: 'pending' },
    pages: { rows: 0, estimatedRows: null, state: 'pending' },
    comments: { rows: 0, estimatedRows: null, state: 'pending' },
  },
};
const theirs = finish({ ...STARTED, nodeId: 'node2' }, 'CANCELLED', new Date(T0 + 40_000));

const SAMPLES: Record<Phase, JobLife> = {
  planning: startRun(STARTED),
  resuming: { ...startRun(RESUMED), phase: 'resuming', entities: ENTITIES },
  running: midRun,
  stopping: cancelledMidRun,
  overdue: { ...cancelledMidRun, phase: 'overdue' },
  finishing: { ...midRun, phase: 'finishing', ended: { users: done(3), pages: done(90), comments: done(0) }, estimating: false },
  fenced: { ...midRun, phase: 'fenced', record: theirs },
  released: { ...cancelledMidRun, phase: 'released', record: finish(cancelledMidRun.record, 'CANCELLED', new Date(AT)) },
  ended: { ...midRun, phase: 'ended', record: finish(midRun.record, 'COMPLETED', new Date(AT)) },
  elsewhere: ownedElsewhere({ ...STARTED, owner: { nodeId: 'node2', pid: 9, heartbeatMs: T0 } }, false),
  orphaned: { ...ownedElsewhere({ ...STARTED, owner: { nodeId: 'node2', pid: 9, heartbeatMs: T0 } }, false), phase: 'orphaned' },
};

const EVENTS: { [T in EventType]: Extract<JobEvent, { type: T }> } = {
  planned: { type: 'planned', entities: ENTITIES, warnings: [] },
  adopted: { type: 'adopted', checkpoints: { users: checkpoint(3, { done: true }), pages: checkpoint(20), comments: null } },
  admitted: { type: 'admitted', entity: 'comments', pacing: FLAT_OUT },
  progress: { type: 'progress', entity: 'pages', rows: 40, governor: GOVERNOR, cpu: CPU },
  estimated: { type: 'estimated', entity: 'comments', rows: 70 },
  estimatesDone: { type: 'estimatesDone' },
  paced: { type: 'paced', view: PACING },
  entityDone: { type: 'entityDone', entity: 'pages', outcome: done(90) },
  beat: { type: 'beat', atMs: T0 + 1000 },
  cancelAsked: { type: 'cancelAsked', atMs: AT },
  resumeAsked: { type: 'resumeAsked', atMs: AT },
  ownerDead: { type: 'ownerDead', atMs: AT },
  fenced: { type: 'fenced', record: theirs },
  fenceClear: { type: 'fenceClear', atMs: AT },
  failed: { type: 'failed', cause: 'diskLow', message: 'Stopped the export: 10 bytes free' },
  shutdown: { type: 'shutdown' },
  shutdownTimedOut: { type: 'shutdownTimedOut' },
};

// ---- The whole table: for every phase, what every event does to the sample above ----

type Expected = [what: string, to: Phase, effects: Effect['type'][]];
const IGNORED = 'changes nothing';
const ignored = (phase: Phase): Expected => [IGNORED, phase, []];
/** Every event ignored, except those listed. */
const only = (phase: Phase, listed: Partial<Record<EventType, Expected>>): Record<EventType, Expected> =>
  Object.fromEntries((Object.keys(EVENTS) as EventType[]).map((type) => [type, listed[type] ?? ignored(phase)])) as Record<EventType, Expected>;

const TABLE: Record<Phase, Record<EventType, Expected>> = {
  planning: only('planning', {
    planned: ['saves the plan and starts its entities', 'running', ['save', 'startEntities']],
    beat: ['saves the heartbeat', 'planning', ['save']],
    cancelAsked: ['stops and saves CANCELLATION_REQUESTED (no task runs yet)', 'stopping', ['save']],
    shutdown: ['stops as cancelled and saves CANCELLATION_REQUESTED', 'stopping', ['save']],
    shutdownTimedOut: ['stops as cancelled and reads the journal before recording it', 'overdue', ['save', 'checkFence']],
    fenced: ['writes nothing more, and lets a shutdown go on', 'fenced', ['released']],
    failed: ['stops as failed, with nothing to save or tell', 'stopping', []],
  }),
  resuming: only('resuming', {
    adopted: ['saves where each entity carries on and starts those not done', 'running', ['save', 'startEntities']],
    beat: ['saves the heartbeat', 'resuming', ['save']],
    cancelAsked: ['stops and saves CANCELLATION_REQUESTED, waiting for the files to be in (no task runs yet)', 'stopping', ['save']],
    shutdown: ['stops as cancelled and saves CANCELLATION_REQUESTED', 'stopping', ['save']],
    shutdownTimedOut: ['stops as cancelled and reads the journal before recording it', 'overdue', ['save', 'checkFence']],
    fenced: ['writes nothing more, and lets a shutdown go on', 'fenced', ['released']],
    failed: ['stops as failed for lack of disk, once the files are in', 'stopping', []],
  }),
  running: only('running', {
    admitted: ['starts the admitted entity', 'running', ['startTask']],
    progress: ["shows the entity's rows, saved at the next heartbeat", 'running', []],
    estimated: ["shows the entity's estimate", 'running', []],
    estimatesDone: ['goes on while entities run', 'running', []],
    paced: ['shows what the governor measures and why it slows', 'running', []],
    entityDone: ['marks the entity done while others still run', 'running', []],
    beat: ['saves the heartbeat', 'running', ['save']],
    cancelAsked: ['tells every task to cancel and saves CANCELLATION_REQUESTED', 'stopping', ['cancelTasks', 'save']],
    shutdown: ['tells every task to cancel and saves CANCELLATION_REQUESTED', 'stopping', ['cancelTasks', 'save']],
    shutdownTimedOut: ['cancels its tasks and reads the journal before recording the cancellation', 'overdue', ['cancelTasks', 'save', 'checkFence']],
    fenced: ['tells its tasks to cancel and writes nothing more', 'fenced', ['cancelTasks', 'released']],
    failed: ['tells every task to cancel, failed for lack of disk', 'stopping', ['cancelTasks']],
  }),
  stopping: only('stopping', {
    adopted: ['starts nothing, saves where the files now stand and goes on to its end', 'finishing', ['save', 'endRun', 'checkFence']],
    admitted: ['does not start the admitted entity and gives its room back', 'stopping', ['skipTask']],
    progress: ["shows the entity's rows", 'stopping', []],
    estimated: ["shows the entity's estimate", 'stopping', []],
    estimatesDone: ['still waits for its tasks', 'stopping', []],
    paced: ['shows what the governor measures', 'stopping', []],
    entityDone: ['waits for the entities still to end', 'stopping', []],
    beat: ['saves the heartbeat', 'stopping', ['save']],
    failed: ['keeps the first reason it stopped for', 'stopping', []],
    shutdownTimedOut: ['stops waiting and reads the journal before recording the cancellation', 'overdue', ['checkFence']],
    fenced: ['writes nothing more, and lets a shutdown go on', 'fenced', ['released']],
  }),
  overdue: only('overdue', {
    adopted: ['starts nothing and saves where the files now stand', 'overdue', ['save']],
    admitted: ['does not start the admitted entity and gives its room back', 'overdue', ['skipTask']],
    progress: ["shows the entity's rows", 'overdue', []],
    estimated: ["shows the entity's estimate", 'overdue', []],
    estimatesDone: ['still waits for the journal', 'overdue', []],
    paced: ['shows what the governor measures', 'overdue', []],
    entityDone: ['waits for the journal', 'overdue', []],
    beat: ['saves the heartbeat', 'overdue', ['save']],
    failed: ['keeps the first reason it stopped for', 'overdue', []],
    fenced: ['writes nothing, and lets the shutdown go on', 'fenced', ['released']],
    fenceClear: ['writes CANCELLED without waiting for its tasks, and lets the shutdown go on', 'released', ['writeFinal', 'released']],
  }),
  finishing: only('finishing', {
    fenced: ["keeps its files and leaves another node's final record as it is", 'ended', ['released', 'settled']],
    fenceClear: ['writes its final record, COMPLETED with its files kept', 'ended', ['writeFinal', 'released', 'settled']],
  }),
  fenced: only('fenced', {
    adopted: ['starts nothing, writes nothing and ends', 'ended', ['endRun', 'settled']],
    admitted: ['does not start the admitted entity and gives its room back', 'fenced', ['skipTask']],
    entityDone: ['waits for the tasks still to end', 'fenced', []],
    failed: ['writes nothing', 'fenced', []],
  }),
  released: only('released', {
    adopted: ['starts nothing, writes nothing and ends', 'ended', ['endRun', 'settled']],
    admitted: ['does not start the admitted entity and gives its room back', 'released', ['skipTask']],
    entityDone: ['waits for the tasks still to end', 'released', []],
    failed: ['writes nothing', 'released', []],
  }),
  ended: only('ended', {}),
  elsewhere: only('elsewhere', {
    cancelAsked: ["leaves a cancel marker for the job's owner", 'elsewhere', ['markCancel']],
    ownerDead: ['is left to a cancel, which nothing will obey now', 'orphaned', []],
  }),
  orphaned: only('orphaned', {
    cancelAsked: ['is recorded CANCELLED here and now, releasing the lock; its files stay for a resume', 'ended', ['writeFinal']],
    resumeAsked: ['is recorded CANCELLED by its crash here and now, so that the next job may carry it on', 'ended', ['writeFinal']],
  }),
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const types = (step: Step) => step.effects.map((effect) => effect.type);

describe('every event in every phase', () => {
  for (const phase of PHASES) {
    for (const type of Object.keys(EVENTS) as EventType[]) {
      const [what, to, effects] = TABLE[phase][type];
      test(`a job ${phase}, given ${type}, ${what}${to === phase ? '' : ` (${to})`}`, () => {
        const step = next(deepFreeze(SAMPLES[phase]), deepFreeze(EVENTS[type]));
        assert.equal(step.state.phase, to);
        assert.deepEqual(types(step), effects);
        if (what === IGNORED) assert.equal(step.state, SAMPLES[phase]);
      });
    }
  }

  test('whatever it saves or writes is the record its next state holds', () => {
    for (const phase of PHASES) {
      for (const event of Object.values(EVENTS)) {
        const step = next(SAMPLES[phase], event);
        for (const effect of step.effects) {
          if (effect.type === 'save' || effect.type === 'writeFinal') assert.deepEqual(effect.record, step.state.record, `${phase} + ${event.type}`);
        }
      }
    }
  });

  test('an ended job holds a final record, and nothing saves or writes after one', () => {
    for (const phase of PHASES) {
      for (const event of Object.values(EVENTS)) {
        const step = next(SAMPLES[phase], event);
        if (step.state.phase === 'ended') assert.ok(['COMPLETED', 'CANCELLED', 'FAILED'].includes(step.state.record.status), `${phase} + ${event.type}`);
        const final = step.effects.findIndex((effect) => effect.type === 'writeFinal');
        if (final >= 0) assert.ok(!step.effects.slice(final + 1).some((effect) => effect.type === 'save' || effect.type === 'writeFinal'));
        if (['fenced', 'released', 'ended'].includes(phase))
          assert.ok(!types(step).some((type) => type === 'save' || type === 'writeFinal'), `${phase} + ${event.type}`);
      }
    }
  });
});

/** Feeds the events one after another; returns the last state and every effect, in order. */
function run(life: JobLife, ...events: JobEvent[]): Step {
  const effects: Effect[] = [];
  for (const event of events) {
    const step = next(life, event);
    life = step.state;
    effects.push(...step.effects);
  }
  return { state: life, effects };
}

const planned = (...entities: string[]): JobEvent => ({ type: 'planned', entities, warnings: [] });
const admitted = (entity: string): JobEvent => ({ type: 'admitted', entity, pacing: FLAT_OUT });
const ended = (entity: string, outcome: EntityOutcome): JobEvent => ({ type: 'entityDone', entity, outcome });
const failedWith = (code: 'disk' | 'source' | 'cancelled', message: string): Extract<EntityOutcome, { ok: false }> => ({ ok: false, code, message });
const CLEAR: JobEvent = { type: 'fenceClear', atMs: AT };
const ESTIMATED: JobEvent = { type: 'estimatesDone' };

/** A running job with users, pages and comments started. */
const allRunning = () => run(startRun(STARTED), planned(...ENTITIES), ...ENTITIES.map(admitted)).state;

describe('a job this process runs', () => {
  test('once its last entity ends and its estimates are in, it stops its heartbeat and reads the journal before its final record', () => {
    const { state, effects } = run(allRunning(), ended('users', done(1)), ended('pages', done(2)), ESTIMATED, ended('comments', done(3)));
    assert.equal(state.phase, 'finishing');
    assert.deepEqual(
      effects.map((e) => e.type),
      ['endRun', 'checkFence'],
    );
  });

  test('a job whose entities all ended waits for its estimates; a cancel meanwhile ends the wait', () => {
    const waiting = run(allRunning(), ...ENTITIES.map((entity) => ended(entity, done(1)))).state;
    assert.equal(waiting.phase, 'running');
    assert.equal(next(waiting, ESTIMATED).state.phase, 'finishing');
    const cancelled = next(waiting, { type: 'cancelAsked', atMs: AT });
    assert.equal(cancelled.state.phase, 'finishing');
    assert.equal(finalOf(cancelled.state).status, 'CANCELLED');
  });

  test("a completed job's final record has each entity's statistics in plan order and the totals read and written; its files stay", () => {
    const { state, effects } = run(allRunning(), ended('comments', done(30, 31)), ended('users', done(10, 11)), ended('pages', done(20, 21)), ESTIMATED, CLEAR);
    assert.equal(state.record.status, 'COMPLETED');
    assert.equal(state.record.completedTime, '2024-03-05T14:08:09.917+00:00');
    assert.equal(state.record.cancelledTime, null);
    assert.deepEqual(Object.keys(state.record.statistics!.entities), ENTITIES);
    assert.deepEqual([state.record.statistics!.exportedEntities, state.record.statistics!.writtenRows], [63, 60]);
    assert.deepEqual(state.record.statistics!.entities.pages, { rows: 20, bytes: 200, durationMs: 20, file: 'f20.csv' });
    assert.deepEqual(
      Object.values(state.record.progress).map((p) => [p.state, p.rows]),
      [
        ['done', 10],
        ['done', 20],
        ['done', 30],
      ],
    );
    assert.ok(!effects.some((e) => e.type === 'removeLeftovers'), 'no file is removed');
  });

  test("a failing entity fails the job with its message and tells the other tasks to cancel; the job's files stay, then the journal is read and the lock released", () => {
    const { state, effects } = run(
      allRunning(),
      ended('pages', failedWith('source', 'Cannot read pages: connection lost')),
      ended('users', failedWith('cancelled', 'stopped')),
      ended('comments', failedWith('cancelled', 'stopped')),
      CLEAR,
    );
    assert.equal(state.record.status, 'FAILED');
    assert.deepEqual(state.record.errors, [{ key: 'export.failed', message: 'Cannot read pages: connection lost' }]);
    assert.equal(state.record.statistics, null);
    assert.deepEqual(
      effects.map((e) => e.type),
      ['cancelTasks', 'endRun', 'checkFence', 'writeFinal', 'released', 'settled'],
    );
  });

  test('an entity that ran out of disk fails the job under the disk key', () => {
    const { state } = run(allRunning(), ended('comments', failedWith('disk', 'Cannot write comments: the disk is full')));
    assert.deepEqual(state.stop, { status: 'FAILED', errors: [{ key: 'export.disk.space.insufficient', message: 'Cannot write comments: the disk is full' }] });
  });

  test('an entity that ended cancelled, with no stop asked, does not fail the job: it completes without it', () => {
    const { state } = run(
      allRunning(),
      ended('users', failedWith('cancelled', 'the runner closed')),
      ended('pages', done(2)),
      ended('comments', done(3)),
      ESTIMATED,
      CLEAR,
    );
    assert.equal(state.record.status, 'COMPLETED');
    assert.deepEqual(Object.keys(state.record.statistics!.entities), ['pages', 'comments']);
  });

  test('the first stop stands: a failure after a cancel leaves the job CANCELLED, a cancel after a failure leaves it FAILED', () => {
    const disk: JobEvent = { type: 'failed', cause: 'diskLow', message: 'low' };
    const cancel: JobEvent = { type: 'cancelAsked', atMs: AT };
    const finished = (...events: JobEvent[]) => run(allRunning(), ...events, ...ENTITIES.map((e) => ended(e, failedWith('cancelled', 'x'))), CLEAR);
    assert.equal(finished(cancel, disk).state.record.status, 'CANCELLED');
    const failed = finished(disk, cancel);
    assert.equal(failed.state.record.status, 'FAILED');
    assert.equal(failed.state.record.errors?.[0].key, 'export.disk.space.insufficient');
    assert.equal(failed.effects.filter((e) => e.type === 'cancelTasks').length, 1, 'the tasks are told once');
  });

  test('a cancelled job reads CANCELLATION_REQUESTED until its tasks have ended, then CANCELLED by the cancel, with its files kept', () => {
    const asked = run(allRunning(), { type: 'cancelAsked', atMs: AT });
    assert.equal(asked.state.record.status, 'CANCELLATION_REQUESTED');
    assert.equal(asked.state.record.cancelledBy, 'delete');
    const { state, effects } = run(asked.state, ...ENTITIES.map((e) => ended(e, failedWith('cancelled', 'x'))), CLEAR);
    assert.equal(state.record.status, 'CANCELLED');
    assert.equal(state.record.cancelledBy, 'delete');
    assert.equal(state.record.cancelledTime, state.record.completedTime);
    assert.ok(!effects.some((e) => e.type === 'removeLeftovers'), 'no file is removed');
  });

  test('a job a shutdown stops is recorded CANCELLED by the shutdown (auto-resume takes it up)', () => {
    const { state } = run(allRunning(), { type: 'shutdown' }, ...ENTITIES.map((e) => ended(e, failedWith('cancelled', 'x'))), CLEAR);
    assert.deepEqual([state.record.status, state.record.cancelledBy], ['CANCELLED', 'shutdown']);
  });

  test('planning that fails fails the job under export.failed, even when a cancel was asked while it planned', () => {
    const failed: JobEvent = { type: 'failed', cause: 'planning', message: 'Cannot connect' };
    for (const before of [[], [{ type: 'cancelAsked', atMs: AT } as JobEvent]]) {
      const { state } = run(startRun(STARTED), ...before, failed, CLEAR);
      assert.equal(state.record.status, 'FAILED');
      assert.deepEqual(state.record.errors, [{ key: 'export.failed', message: 'Cannot connect' }]);
    }
  });

  test('entities planned after a cancel never start: the plan is saved, and the job finishes at once, CANCELLED', () => {
    const { state, effects } = run(startRun(STARTED), { type: 'shutdown' }, planned(...ENTITIES));
    assert.equal(state.phase, 'finishing');
    assert.deepEqual(
      effects.map((e) => e.type),
      ['save', 'save', 'endRun', 'checkFence'],
    );
    assert.deepEqual(
      Object.values(state.record.progress).map((p) => p.state),
      ['pending', 'pending', 'pending'],
    );
    assert.equal(finalOf(state).status, 'CANCELLED');
  });

  test("the plan's missing optional tables become the job's warnings, after those it had", () => {
    const warned = { ...STARTED, warnings: [{ key: 'index.stale', message: 'old' }] };
    const { state } = run(startRun(warned), { type: 'planned', entities: ['users'], warnings: [{ key: 'export.analytics.unavailable', message: 'none' }] });
    assert.deepEqual(
      state.record.warnings?.map((w) => w.key),
      ['index.stale', 'export.analytics.unavailable'],
    );
  });

  test("the governor's view shows in the job's status, the latest one standing", () => {
    const first = next(midRun, { type: 'paced', view: PACING }).state;
    assert.deepEqual(first.record.pacing, PACING);
    const idle = { ...PACING, state: 'idle-site' as const, pace: 4, reason: null };
    assert.deepEqual(next(first, { type: 'paced', view: idle }).state.record.pacing, idle);
  });

  test("an entity's progress shows its rows, its pacing and the CPU it cost", () => {
    const { state } = next(midRun, EVENTS.progress);
    assert.deepEqual(state.record.progress.pages, { ...midRun.record.progress.pages, rows: 40, governor: GOVERNOR, cpu: CPU });
  });

  test("a heartbeat saves the owner's time", () => {
    const { state } = next(midRun, { type: 'beat', atMs: T0 + 5000 });
    assert.equal(state.record.owner.heartbeatMs, T0 + 5000);
  });
});

describe('a job that another node or a shutdown ends', () => {
  test('a shutdown that runs out of time records the job CANCELLED at once, even one a failure stopped; its files stay', () => {
    const failing = run(allRunning(), ended('pages', failedWith('source', 'lost')), { type: 'shutdown' }, { type: 'shutdownTimedOut' }, CLEAR);
    assert.equal(failing.state.phase, 'released');
    assert.deepEqual([failing.state.record.status, failing.state.record.cancelledBy], ['CANCELLED', 'shutdown']);
    const { state, effects } = run(failing.state, ended('users', failedWith('cancelled', 'x')), ended('comments', failedWith('cancelled', 'x')));
    assert.equal(state.phase, 'ended');
    assert.equal(state.record, failing.state.record, 'the final record stands');
    assert.deepEqual(
      effects.map((e) => e.type),
      ['endRun', 'settled'],
    );
  });

  test('a shutdown that runs out of time after the tasks ended writes the final record and ends at once', () => {
    const { state, effects } = run(
      allRunning(),
      { type: 'shutdown' },
      { type: 'shutdownTimedOut' },
      ...ENTITIES.map((e) => ended(e, failedWith('cancelled', 'x'))),
      CLEAR,
    );
    assert.equal(state.phase, 'ended');
    assert.equal(state.record.status, 'CANCELLED');
    assert.deepEqual(effects.map((e) => e.type).slice(-5), ['checkFence', 'endRun', 'writeFinal', 'released', 'settled']);
  });

  test('a job fenced off while its tasks run writes nothing more, and ends once the tasks have; its files stay', () => {
    const fenced = run(allRunning(), { type: 'fenced', record: theirs });
    const { state, effects } = run(fenced.state, ...ENTITIES.map((e) => ended(e, failedWith('cancelled', 'x'))), CLEAR, { type: 'beat', atMs: AT });
    assert.equal(state.phase, 'ended');
    assert.equal(state.record, theirs);
    assert.deepEqual(
      [...fenced.effects, ...effects].map((e) => e.type),
      ['cancelTasks', 'released', 'endRun', 'settled'],
    );
  });

  test('a job fenced off at the very end, a completed one too, writes nothing: its files are the leftovers of the job another node ended', () => {
    const finishing = run(allRunning(), ...ENTITIES.map((e) => ended(e, done(1))), ESTIMATED).state;
    const { state, effects } = next(finishing, { type: 'fenced', record: theirs });
    assert.equal(state.record, theirs);
    assert.deepEqual(
      effects.map((e) => e.type),
      ['released', 'settled'],
    );
  });

  test('a failed job fenced off at the very end writes nothing', () => {
    const { effects } = run(allRunning(), ended('pages', failedWith('source', 'lost')), ended('users', done(1)), ended('comments', done(1)), {
      type: 'fenced',
      record: theirs,
    });
    assert.deepEqual(
      effects.map((e) => e.type),
      ['cancelTasks', 'endRun', 'checkFence', 'released', 'settled'],
    );
  });

  test('a job fenced off while it plans starts nothing once planned, and ends', () => {
    const { state, effects } = run(startRun(STARTED), { type: 'fenced', record: theirs }, planned(...ENTITIES));
    assert.equal(state.phase, 'ended');
    assert.deepEqual(
      effects.map((e) => e.type),
      ['released', 'endRun', 'settled'],
    );
  });
});

describe('a job another process owns', () => {
  const elsewhere = SAMPLES.elsewhere;

  test('a cancel leaves a marker for its owner; if its owner then dies, it is recorded CANCELLED by the cancel here, its files kept', () => {
    const { state, effects } = run(elsewhere, { type: 'cancelAsked', atMs: AT }, { type: 'ownerDead', atMs: AT + 1 });
    assert.equal(state.phase, 'ended');
    assert.equal(state.record.status, 'CANCELLED');
    assert.equal(state.record.cancelledTime, '2024-03-05T14:08:09.918+00:00');
    assert.deepEqual(effects, [
      { type: 'markCancel', jobId: 7 },
      { type: 'writeFinal', record: state.record },
    ]);
    assert.equal(state.record.cancelledBy, 'delete');
  });

  test('a dead owner whose job was never cancelled leaves it running, an orphan, until a cancel ends it at once', () => {
    const orphan = next(elsewhere, { type: 'ownerDead', atMs: AT });
    assert.deepEqual([orphan.state.phase, orphan.state.record.status, orphan.effects], ['orphaned', 'STARTED', []]);
    const { state } = next(orphan.state, { type: 'cancelAsked', atMs: AT });
    assert.deepEqual([state.phase, state.record.status], ['ended', 'CANCELLED']);
  });

  test('a job seen with its cancel marker already there is cancelled as soon as its owner is found dead', () => {
    const { state } = next(ownedElsewhere(elsewhere.record, true), { type: 'ownerDead', atMs: AT });
    assert.equal(state.record.status, 'CANCELLED');
  });
});

describe('checkpoints', () => {
  const beat: JobEvent = { type: 'beat', atMs: T0 + 1000 };
  const savedAt = (step: Step) => step.effects.filter((e) => e.type === 'save').at(-1) as Extract<Effect, { type: 'save' }> | undefined;

  test("a report's checkpoint goes into the record, and the next heartbeat saves it", () => {
    const reported = next(midRun, { ...EVENTS.progress, checkpoint: checkpoint(40) });
    assert.deepEqual(reported.effects, [], 'a report alone writes nothing');
    assert.deepEqual(savedAt(next(reported.state, beat))?.record.checkpoints, { pages: checkpoint(40) });
  });

  test('a report without a checkpoint leaves the last one standing', () => {
    const first = next(midRun, { ...EVENTS.progress, checkpoint: checkpoint(40) }).state;
    assert.deepEqual(next(first, { ...EVENTS.progress, rows: 60 }).state.record.checkpoints, { pages: checkpoint(40) });
  });

  test('a report that arrives after its entity ended changes nothing: the outcome stands', () => {
    const over = run(midRun, ended('pages', done(90))).state;
    assert.equal(next(over, { ...EVENTS.progress, checkpoint: checkpoint(40) }).state, over);
  });

  test("a finished entity's checkpoint is done, with its file's length; a stopped one's is where its task last synced its file", () => {
    const { state } = run(
      allRunning(),
      ended('pages', done(90)),
      ended('users', { ...failedWith('source', 'lost'), checkpoint: checkpoint(7) }),
      ended('comments', failedWith('cancelled', 'nothing synced yet')),
    );
    assert.deepEqual(state.record.checkpoints, {
      pages: { after: null, rows: 90, scanned: 90, bytes: 900, durationMs: 90, done: true },
      users: checkpoint(7),
    });
  });

  test("a new export discards the interrupted job's leftovers before it saves or starts anything, then forgets them", () => {
    const { state, effects } = next(startRun({ ...STARTED, discard: ['/x/5', '/x/6'] }), planned(...ENTITIES));
    assert.deepEqual(effects[0], { type: 'removeLeftovers', dirs: ['/x/5', '/x/6'] });
    assert.deepEqual(
      effects.map((e) => e.type),
      ['removeLeftovers', 'save', 'startEntities'],
    );
    assert.equal(state.record.discard, undefined);
  });

  test('a new export without leftovers removes nothing', () => {
    assert.ok(!next(startRun(STARTED), planned(...ENTITIES)).effects.some((e) => e.type === 'removeLeftovers'));
  });
});

describe('a job that resumes an interrupted one', () => {
  const ADOPTED = EVENTS.adopted;
  const resumed = () => startRun(RESUMED);

  test("once planned it takes the interrupted job's files over, before any entity starts", () => {
    const { state, effects } = next(resumed(), planned(...ENTITIES));
    assert.equal(state.phase, 'resuming');
    assert.deepEqual(effects, [
      { type: 'save', record: state.record },
      { type: 'adoptFiles', entities: ENTITIES },
    ]);
  });

  test("once the files are in, a finished entity is done under this job's file name; the others show the rows they keep; where the files came from is forgotten", () => {
    const { state } = run(resumed(), planned(...ENTITIES), ADOPTED);
    assert.equal(state.phase, 'running');
    assert.deepEqual(state.ended, { users: { ok: true, rows: 3, scanned: 4, bytes: 80, durationMs: 300, file: 'users_job8_2024_03_05T15_00_00Z.csv' } });
    assert.deepEqual(
      Object.entries(state.record.progress).map(([name, p]) => [name, p.state, p.rows]),
      [
        ['users', 'done', 3],
        ['pages', 'pending', 20],
        ['comments', 'pending', 0],
      ],
    );
    assert.deepEqual(state.record.checkpoints, { users: checkpoint(3, { done: true }), pages: checkpoint(20) });
    assert.equal(state.record.carriedFrom, undefined);
    assert.equal(state.record.discard, undefined);
  });

  test('its statistics cover the whole export: what was carried over and what it exported, each row once', () => {
    const { state } = run(
      resumed(),
      planned(...ENTITIES),
      ADOPTED,
      admitted('pages'),
      admitted('comments'),
      // A task's counts start at its checkpoint's.
      ended('pages', { ok: true, rows: 90, scanned: 91, bytes: 950, durationMs: 9000, file: 'pages_job8_2024_03_05T15_00_00Z.csv' }),
      ended('comments', done(30)),
      ESTIMATED,
      CLEAR,
    );
    assert.equal(state.record.status, 'COMPLETED');
    assert.deepEqual(state.record.config.resumedFrom, 7);
    assert.deepEqual(state.record.statistics, {
      exportedEntities: 4 + 91 + 30,
      writtenRows: 3 + 90 + 30,
      entities: {
        users: { rows: 3, bytes: 80, durationMs: 300, file: 'users_job8_2024_03_05T15_00_00Z.csv' },
        pages: { rows: 90, bytes: 950, durationMs: 9000, file: 'pages_job8_2024_03_05T15_00_00Z.csv' },
        comments: { rows: 30, bytes: 300, durationMs: 30, file: 'f30.csv' },
      },
    });
  });

  test('a job whose entities were all done when it was interrupted finishes once its estimates are in', () => {
    const allDone: JobEvent = { type: 'adopted', checkpoints: Object.fromEntries(ENTITIES.map((e) => [e, checkpoint(1, { done: true })])) };
    const { state, effects } = run(resumed(), planned(...ENTITIES), allDone, ESTIMATED, CLEAR);
    assert.equal(state.record.status, 'COMPLETED');
    assert.ok(
      effects.some((e) => e.type === 'startEntities'),
      'the estimates run',
    );
  });

  test('cancelled while it takes the files over, it starts nothing, records where the files now stand and ends CANCELLED', () => {
    const { state, effects } = run(resumed(), planned(...ENTITIES), { type: 'cancelAsked', atMs: AT }, ADOPTED, CLEAR);
    assert.deepEqual([state.phase, state.record.status, state.record.cancelledBy], ['ended', 'CANCELLED', 'delete']);
    assert.deepEqual(state.record.checkpoints, { users: checkpoint(3, { done: true }), pages: checkpoint(20) });
    assert.equal(state.record.carriedFrom, undefined);
    assert.deepEqual(
      effects.map((e) => e.type),
      ['save', 'adoptFiles', 'save', 'save', 'endRun', 'checkFence', 'writeFinal', 'released', 'settled'],
    );
  });

  test('a failure to take the files over fails the job under export.failed; its record still says where the files may be', () => {
    const { state } = run(resumed(), planned(...ENTITIES), { type: 'failed', cause: 'adopting', message: 'Cannot resume job 7: EACCES' }, CLEAR);
    assert.equal(state.record.status, 'FAILED');
    assert.deepEqual(state.record.errors, [{ key: 'export.failed', message: 'Cannot resume job 7: EACCES' }]);
    assert.deepEqual(state.record.carriedFrom, RESUMED.carriedFrom);
  });

  test('a shutdown while it takes the files over ends it CANCELLED by the shutdown once they are in', () => {
    const { state } = run(resumed(), planned(...ENTITIES), { type: 'shutdown' }, ADOPTED, CLEAR);
    assert.deepEqual([state.record.status, state.record.cancelledBy], ['CANCELLED', 'shutdown']);
  });

  test('a job cancelled while it planned never takes the files over: they stay where its record says', () => {
    const { state, effects } = run(resumed(), { type: 'cancelAsked', atMs: AT }, planned(...ENTITIES), CLEAR);
    assert.equal(state.record.status, 'CANCELLED');
    assert.ok(!effects.some((e) => e.type === 'adoptFiles'));
    assert.deepEqual(state.record.carriedFrom, RESUMED.carriedFrom);
  });
});

describe('a job a resume finds left by a crashed node', () => {
  const crashed = (record: JobRecord) => run(ownedElsewhere(record, false), { type: 'ownerDead', atMs: AT }, { type: 'resumeAsked', atMs: AT });

  test('is recorded CANCELLED by its crash, its files kept for the resume', () => {
    const { state, effects } = crashed(STARTED);
    assert.deepEqual([state.phase, state.record.status, state.record.cancelledBy], ['ended', 'CANCELLED', 'crash']);
    assert.deepEqual(
      effects.map((e) => e.type),
      ['writeFinal'],
    );
  });

  test('one whose owner died while carrying out a cancel keeps what cancelled it', () => {
    for (const by of ['delete', 'shutdown'] as const) {
      const { state } = crashed({ ...STARTED, status: 'CANCELLATION_REQUESTED', cancelledBy: by });
      assert.equal(state.record.cancelledBy, by);
    }
  });

  test("a live owner's job is not ended by a resume (the caller answers 409)", () => {
    const { state, effects } = next(ownedElsewhere(STARTED, false), { type: 'resumeAsked', atMs: AT });
    assert.deepEqual([state.phase, effects], ['elsewhere', []]);
  });
});

test("a job's files stay however it ends: the one move that removes files is a new export discarding an interrupted job's leftovers", () => {
  for (const phase of PHASES) {
    for (const event of Object.values(EVENTS)) {
      const life = phase === 'planning' ? startRun({ ...STARTED, discard: ['/x/5'] }) : SAMPLES[phase];
      const removing = next(life, event).effects.filter((e) => e.type === 'removeLeftovers');
      if (phase === 'planning' && event.type === 'planned') assert.deepEqual(removing, [{ type: 'removeLeftovers', dirs: ['/x/5'] }]);
      else assert.deepEqual(removing, [], `${phase} + ${event.type}`);
    }
  }
});

/** The record the job would write on a clear journal. */
function finalOf(life: JobLife): JobRecord {
  return next(life, CLEAR).state.record;
}
