// The life of an export job as a pure state machine: every phase a job goes through, the events that move
// it, and what each move asks of the world, as data (effects). `next` is the whole of it: it never waits,
// reads a clock or touches the journal. runExport (run-export.ts) feeds it the events of the job this
// process runs and carries out its effects; the kernel feeds it what it sees of jobs other processes own.
//
// The table (LIFE, below) lists, phase by phase, the events that do something; every other event is
// ignored in that phase.
//
// A job's files stay when it ends, however it ends: a COMPLETED job's are its export (a job's directory is an
// export only then); any other's (cancelled, failed, left by a crash, fenced off by the node that ended it)
// are its leftovers. Every job records each entity's checkpoint (the last key written and the .partial file's
// length there, synced to disk first) with its heartbeat. A job that resumes an interrupted one plans, then
// takes that job's files over (resuming: moved in under its own names, each .partial cut back to its
// checkpoint), then runs only what is left, each entity from its checkpoint. A new export that does not resume
// discards the leftovers before its entities start: the one move of the table that removes files.
import type { ErrorItem } from '../errors.ts';
import {
  fileNameOf,
  finish,
  requestCancel,
  type CancelCause,
  type Checkpoint,
  type EntityCpu,
  type EntityProgress,
  type EntityStatistics,
  type GovernorView,
  type JobRecord,
} from './status.ts';
import type { PacingView } from '../pacing/pacer.ts';
import type { EntityOutcome, TaskPacing } from './task.ts';

export const EXPORT_FAILED_KEY = 'export.failed';
export const DISK_KEY = 'export.disk.space.insufficient';

export const PHASES = [
  // This process created the job and prepares it: its directory, the opted-out users, which entities run.
  'planning',
  // The job resumes an interrupted one: it moves that job's files in under its own names and cuts each .partial
  // back to its checkpoint; then its entities start where they stopped (or over, where a file fell short).
  'resuming',
  // Its entities run, or wait for room in the impact budget; progress is saved at every heartbeat.
  'running',
  // A cancel, a failure or a shutdown stopped it: its tasks were told to stop, and it waits for them to end.
  'stopping',
  // A shutdown stopped waiting for the tasks: the journal is read, then the job is recorded CANCELLED without them.
  'overdue',
  // Every entity ended: the journal is read once more, then the final record is written, which releases the lock.
  'finishing',
  // Another node already wrote this job's final record (this one looked dead): nothing of it is written any
  // more; its tasks were told to stop, and it waits for them to end.
  'fenced',
  // This process wrote the final record before its tasks stopped (an overdue shutdown): it waits for them to end.
  'released',
  // Over: the final record is in the journal and the export directory is as it stays.
  'ended',
  // Another process runs the job (on this node or another) and is alive as far as this one can tell.
  'elsewhere',
  // Another process ran the job and died (its pid is gone, or its heartbeat is stale): nothing will finish
  // the job unless it is cancelled.
  'orphaned',
] as const;
export type Phase = (typeof PHASES)[number];

export type Stop = { status: 'CANCELLED'; by: CancelCause } | { status: 'FAILED'; errors: ErrorItem[] };

/** A job's state: its phase, and what the phase needs to know. */
export interface JobLife {
  readonly phase: Phase;
  /** The job as this process knows it: what it saves, and what its final record is made from. */
  readonly record: JobRecord;
  /** Why the job stopped before its entities were done; the first reason stands. */
  readonly stop: Stop | null;
  /** The entities planned, in order; null while planning. */
  readonly entities: readonly string[] | null;
  /** How each entity that is over ended (one stopped before it started ends as cancelled). */
  readonly ended: Readonly<Record<string, EntityOutcome>>;
  /** The row estimates are still being counted: a job that was not stopped waits for them before it ends. */
  readonly estimating: boolean;
  /** A cancel marker asks the job's owner to stop it (elsewhere). */
  readonly cancelMarked: boolean;
}

export type JobEvent =
  /** Planning is done: these entities run, and these optional ones are missing (warnings). */
  | { type: 'planned'; entities: readonly string[]; warnings: readonly ErrorItem[] }
  /**
   * A resumed job took the interrupted job's files over: where each entity carries on (a done checkpoint: it
   * is finished; null: it starts over).
   */
  | { type: 'adopted'; checkpoints: Readonly<Record<string, Checkpoint | null>> }
  /** The impact budget has room for the entity: it may start with this pacing. */
  | { type: 'admitted'; entity: string; pacing: TaskPacing }
  /** A task's report; `checkpoint`, its latest, is on disk. */
  | { type: 'progress'; entity: string; rows: number; governor: GovernorView; cpu: EntityCpu; checkpoint?: Checkpoint }
  | { type: 'estimated'; entity: string; rows: number | null }
  | { type: 'estimatesDone' }
  /** What the pacing shows changed (the governor's measurements, the pace, why it slows). */
  | { type: 'paced'; view: PacingView }
  | { type: 'entityDone'; entity: string; outcome: EntityOutcome }
  /** The owner's heartbeat (every second). */
  | { type: 'beat'; atMs: number }
  /** DELETE /export, here or through a cancel marker another node wrote. */
  | { type: 'cancelAsked'; atMs: number }
  /** POST /export?resume=true (or auto-resume) found the job left by a crashed owner: it is ended so the next may carry it on. */
  | { type: 'resumeAsked'; atMs: number }
  /** The job's owner is gone (its process died, or its heartbeat went stale). */
  | { type: 'ownerDead'; atMs: number }
  /** Another node already wrote this job's final record (`record`): its lock is released. */
  | { type: 'fenced'; record: JobRecord }
  /** The journal holds no final record of the job: this process may write it. */
  | { type: 'fenceClear'; atMs: number }
  /** The export directory's disk fell below the minimum, planning failed, or taking an interrupted job's files over did. */
  | { type: 'failed'; cause: 'diskLow' | 'planning' | 'adopting'; message: string }
  /** This node is shutting down: the job is cancelled. */
  | { type: 'shutdown' }
  /** The shutdown waited long enough for the tasks. */
  | { type: 'shutdownTimedOut' };
export type EventType = JobEvent['type'];

export type Effect =
  /** Save the record (progress, heartbeat, a requested cancellation). */
  | { type: 'save'; record: JobRecord }
  /** Start the planned entities not done yet: the estimates, the impact budget, each entity's wait for room in it. */
  | { type: 'startEntities' }
  /** Move the interrupted job's files in and cut them back to their checkpoints: `adopted` (or `failed`) follows. */
  | { type: 'adoptFiles'; entities: readonly string[] }
  /** Remove earlier jobs' leftover directories (a new export discards an interrupted job's files). */
  | { type: 'removeLeftovers'; dirs: readonly string[] }
  | { type: 'startTask'; entity: string; pacing: TaskPacing }
  /** The entity was admitted after the job stopped: it does not start, and gives its room in the budget back. */
  | { type: 'skipTask'; entity: string }
  | { type: 'cancelTasks' }
  /** The heartbeat and the load sampling stop. */
  | { type: 'endRun' }
  /** Read the journal: `fenced` or `fenceClear` follows. */
  | { type: 'checkFence' }
  /** Write the final record, which releases the lock. */
  | { type: 'writeFinal'; record: JobRecord }
  /** Leave a cancel marker for the job's owner. */
  | { type: 'markCancel'; jobId: number }
  /** The journal holds the job's final record: a shutdown may go on. */
  | { type: 'released' }
  /** Nothing more happens for the job in this process. */
  | { type: 'settled' };

export interface Step {
  state: JobLife;
  effects: Effect[];
}

/** The job this process just created, to run. */
export function startRun(record: JobRecord): JobLife {
  return { phase: 'planning', record, stop: null, entities: null, ended: {}, estimating: false, cancelMarked: false };
}

/** A job that another process owns, as the journal shows it. */
export function ownedElsewhere(record: JobRecord, cancelMarked: boolean): JobLife {
  return { ...startRun(record), phase: 'elsewhere', cancelMarked };
}

export function next(life: JobLife, event: JobEvent): Step {
  const handle = LIFE[life.phase][event.type] as Handler<EventType> | undefined;
  return handle ? handle(life, event) : { state: life, effects: [] };
}

type On<T extends EventType> = Extract<JobEvent, { type: T }>;
type Handler<T extends EventType> = (life: JobLife, event: On<T>) => Step;
type Row = { readonly [T in EventType]?: Handler<T> };

// What each event does in each phase; an event a phase does not list is ignored in it.
const LIFE: Readonly<Record<Phase, Row>> = {
  planning: {
    planned: beginRunning,
    failed: fail,
    beat: saveHeartbeat,
    cancelAsked: cancel,
    shutdown: shutDown,
    shutdownTimedOut: giveUpWaiting,
    fenced: yieldToFence,
  },
  resuming: {
    adopted: resumeRunning,
    failed: fail,
    beat: saveHeartbeat,
    cancelAsked: cancel,
    shutdown: shutDown,
    shutdownTimedOut: giveUpWaiting,
    fenced: yieldToFence,
  },
  running: {
    admitted: startTask,
    progress: showProgress,
    estimated: showEstimate,
    estimatesDone,
    paced: showPacing,
    entityDone: endEntity,
    beat: saveHeartbeat,
    cancelAsked: cancel,
    shutdown: shutDown,
    shutdownTimedOut: giveUpWaiting,
    failed: fail,
    fenced: yieldToFence,
  },
  stopping: {
    planned: skipEntities,
    adopted: adoptedAfterStop,
    admitted: skipTask,
    progress: showProgress,
    estimated: showEstimate,
    estimatesDone,
    paced: showPacing,
    entityDone: endEntity,
    beat: saveHeartbeat,
    failed: fail,
    shutdownTimedOut: giveUpWaiting,
    fenced: yieldToFence,
  },
  overdue: {
    planned: skipEntities,
    adopted: adoptedAfterStop,
    admitted: skipTask,
    progress: showProgress,
    estimated: showEstimate,
    estimatesDone,
    paced: showPacing,
    entityDone: endEntity,
    beat: saveHeartbeat,
    failed: fail,
    fenced: yieldToFence,
    fenceClear: writeCancelledNow,
  },
  finishing: {
    fenced: fencedAtTheEnd,
    fenceClear: writeFinal,
  },
  fenced: {
    planned: skipEntities,
    adopted: adoptedAfterStop,
    admitted: skipTask,
    entityDone: endEntity,
    failed: fail,
  },
  released: {
    planned: skipEntities,
    adopted: adoptedAfterStop,
    admitted: skipTask,
    entityDone: endEntity,
    failed: fail,
  },
  ended: {},
  elsewhere: {
    cancelAsked: markCancel,
    ownerDead: ownerDied,
  },
  orphaned: {
    cancelAsked: cancelOrphan,
    resumeAsked: endOrphanForResume,
  },
};

// ---- The moves ----

const CANCELLED: Stop = { status: 'CANCELLED', by: 'delete' };
const SHUT_DOWN: Stop = { status: 'CANCELLED', by: 'shutdown' };
const NOT_STARTED: EntityOutcome = { ok: false, code: 'cancelled', message: 'Stopped before it started' };

/** A stop (cancel, failure, shutdown): the first stops the job, later ones change nothing (but the job may move on). */
function stop(life: JobLife, reason: Stop): Step {
  if (life.stop || (life.phase !== 'planning' && life.phase !== 'resuming' && life.phase !== 'running')) return moveOn(life, []);
  const tell: Effect[] = life.phase === 'running' ? [{ type: 'cancelTasks' }] : [];
  if (reason.status === 'FAILED') return moveOn({ ...life, phase: 'stopping', stop: reason }, tell);
  // The caller answers "cancellation requested", so the journal says so too, and why (should the owner die before it ends).
  const record: JobRecord = { ...requestCancel(life.record), cancelledBy: reason.by };
  return moveOn({ ...life, phase: 'stopping', stop: reason, record }, [...tell, { type: 'save', record }]);
}

function cancel(life: JobLife): Step {
  return stop(life, CANCELLED);
}

function shutDown(life: JobLife): Step {
  return stop(life, SHUT_DOWN);
}

function fail(life: JobLife, { cause, message }: On<'failed'>): Step {
  if (cause === 'diskLow') return stop(life, { status: 'FAILED', errors: [{ key: DISK_KEY, message }] });
  if (cause === 'adopting') return failAdopting(life, message);
  // Nothing runs after a failed plan. The failure stands over a cancel asked meanwhile, but not over a final
  // record already written (released, fenced) or about to be (overdue).
  if (life.entities !== null) return same(life);
  const failed: Stop = { status: 'FAILED', errors: [{ key: EXPORT_FAILED_KEY, message }] };
  const overrides = life.phase === 'planning' || life.phase === 'stopping';
  return moveOn(overrides ? { ...life, phase: 'stopping', stop: failed, entities: [] } : { ...life, entities: [] }, []);
}

/**
 * Planned: a resumed job goes on to take the interrupted job's files over; a new one discards any leftovers
 * first (then forgets them: a crash before they are gone leaves them to the next export) and starts its entities.
 */
function beginRunning(life: JobLife, { entities, warnings }: On<'planned'>): Step {
  const plan = planned(life.record, entities, warnings);
  if (plan.config.resumedFrom !== undefined) {
    return {
      state: { ...life, phase: 'resuming', record: plan, entities },
      effects: [
        { type: 'save', record: plan },
        { type: 'adoptFiles', entities },
      ],
    };
  }
  const { discard = [], ...record } = plan;
  const remove: Effect[] = discard.length > 0 ? [{ type: 'removeLeftovers', dirs: discard }] : [];
  return {
    state: { ...life, phase: 'running', record, entities, estimating: true },
    effects: [...remove, { type: 'save', record }, { type: 'startEntities' }],
  };
}

/** The files are in: finished entities are done, the others start from their checkpoints (or over). */
function resumeRunning(life: JobLife, event: On<'adopted'>): Step {
  const adopted = withAdopted(life, event);
  return moveOn({ ...adopted, phase: 'running', estimating: true }, [{ type: 'save', record: adopted.record }, { type: 'startEntities' }]);
}

/** The files were taken over after the job stopped: nothing starts, and the record says where the files now stand. */
function adoptedAfterStop(life: JobLife, event: On<'adopted'>): Step {
  if (life.phase !== 'stopping' && life.phase !== 'overdue') return moveOn(notStarted(life), []);
  const adopted = notStarted(withAdopted(life, event));
  return moveOn(adopted, [{ type: 'save', record: adopted.record }]);
}

/** Taking the files over failed: nothing starts, and the job fails unless it was stopped already. */
function failAdopting(life: JobLife, message: string): Step {
  const over = notStarted(life);
  if (life.phase !== 'resuming') return moveOn(over, []);
  return moveOn({ ...over, phase: 'stopping', stop: { status: 'FAILED', errors: [{ key: EXPORT_FAILED_KEY, message }] } }, []);
}

/** Planned after a stop: nothing starts. The plan is saved while the record is still this process's to save. */
function skipEntities(life: JobLife, { entities, warnings }: On<'planned'>): Step {
  if (life.entities !== null) return same(life);
  const ended = { ...life.ended, ...Object.fromEntries(entities.map((entity) => [entity, NOT_STARTED])) };
  if (!mayShow(life)) return moveOn({ ...life, entities, ended }, []);
  const record = planned(life.record, entities, warnings);
  return moveOn({ ...life, record, entities, ended }, [{ type: 'save', record }]);
}

function startTask(life: JobLife, { entity, pacing }: On<'admitted'>): Step {
  return { state: { ...life, record: withProgress(life.record, entity, { state: 'running' }) }, effects: [{ type: 'startTask', entity, pacing }] };
}

function skipTask(life: JobLife, { entity }: On<'admitted'>): Step {
  return moveOn({ ...life, ended: { ...life.ended, [entity]: NOT_STARTED } }, [{ type: 'skipTask', entity }]);
}

function endEntity(life: JobLife, { entity, outcome }: On<'entityDone'>): Step {
  const shown = mayShow(life) ? withOutcome(life.record, entity, outcome) : life.record;
  const ended: JobLife = { ...life, record: shown, ended: { ...life.ended, [entity]: outcome } };
  const failure = failureOf(outcome);
  return failure ? stop(ended, { status: 'FAILED', errors: [failure] }) : moveOn(ended, []);
}

/** A report that arrives after its entity ended (a message overtaken by the outcome) is stale: the outcome stands. */
function showProgress(life: JobLife, { entity, rows, governor, cpu, checkpoint }: On<'progress'>): Step {
  if (entity in life.ended) return same(life);
  const record = withProgress(life.record, entity, { rows, governor, cpu });
  return same({ ...life, record: checkpoint ? withCheckpoint(record, entity, checkpoint) : record });
}

function showEstimate(life: JobLife, { entity, rows }: On<'estimated'>): Step {
  return same({ ...life, record: withProgress(life.record, entity, { estimatedRows: rows }) });
}

function estimatesDone(life: JobLife): Step {
  return moveOn({ ...life, estimating: false }, []);
}

function showPacing(life: JobLife, { view }: On<'paced'>): Step {
  return same({ ...life, record: { ...life.record, pacing: view } });
}

function saveHeartbeat(life: JobLife, { atMs }: On<'beat'>): Step {
  const record = { ...life.record, owner: { ...life.record.owner, heartbeatMs: atMs } };
  return { state: { ...life, record }, effects: [{ type: 'save', record }] };
}

function giveUpWaiting(life: JobLife): Step {
  const stopped = stop(life, SHUT_DOWN);
  if (stopped.state.phase === 'finishing') return stopped;
  return { state: { ...stopped.state, phase: 'overdue' }, effects: [...stopped.effects, { type: 'checkFence' }] };
}

/** Another node's final record stands: this process writes nothing more of the job, and stops its tasks. */
function yieldToFence(life: JobLife, { record }: On<'fenced'>): Step {
  const tell: Effect[] = life.phase === 'running' && !allEnded(life) ? [{ type: 'cancelTasks' }] : [];
  const fenced: JobLife = { ...life, phase: 'fenced', record };
  if (allEnded(life)) return end(fenced, [...tell, { type: 'endRun' }, { type: 'released' }, { type: 'settled' }]);
  return { state: fenced, effects: [...tell, { type: 'released' }] };
}

/** Another node's final record stands over this job's, even a completed one's: its files are that job's leftovers. */
function fencedAtTheEnd(life: JobLife, { record }: On<'fenced'>): Step {
  return end({ ...life, record }, [{ type: 'released' }, { type: 'settled' }]);
}

/** The final record is written last, right after the journal was read: it releases the lock. */
function writeFinal(life: JobLife, { atMs }: On<'fenceClear'>): Step {
  const record = finalRecord(life, atMs);
  return end({ ...life, record }, [{ type: 'writeFinal', record }, { type: 'released' }, { type: 'settled' }]);
}

/** An overdue shutdown records the job CANCELLED now, whatever stopped it, without waiting for its tasks. */
function writeCancelledNow(life: JobLife, { atMs }: On<'fenceClear'>): Step {
  const record = finish(life.record, 'CANCELLED', new Date(atMs), { cancelledBy: 'shutdown' });
  const write: Effect[] = [{ type: 'writeFinal', record }, { type: 'released' }];
  if (!allEnded(life)) return { state: { ...life, phase: 'released', record }, effects: write };
  const done: JobLife = { ...life, record };
  return end(done, [{ type: 'endRun' }, ...write, { type: 'settled' }]);
}

function markCancel(life: JobLife): Step {
  return { state: { ...life, cancelMarked: true }, effects: [{ type: 'markCancel', jobId: life.record.jobId }] };
}

function ownerDied(life: JobLife, event: On<'ownerDead'>): Step {
  return life.cancelMarked ? cancelOrphan(life, event) : same({ ...life, phase: 'orphaned' });
}

/** Nothing else will finish an orphan: the lock is released here and now; its files are left for a resume. */
function cancelOrphan(life: JobLife, { atMs }: { atMs: number }): Step {
  return endOrphan(life, atMs, 'delete');
}

/** A resume ends the orphan it carries on in the same call: as a crash left it (or as the cancel its owner was carrying out). */
function endOrphanForResume(life: JobLife, { atMs }: On<'resumeAsked'>): Step {
  return endOrphan(life, atMs, life.record.cancelledBy ?? 'crash');
}

function endOrphan(life: JobLife, atMs: number, by: CancelCause): Step {
  const record = finish(life.record, 'CANCELLED', new Date(atMs), { cancelledBy: by });
  return end({ ...life, record }, [{ type: 'writeFinal', record }]);
}

// ---- Helpers ----

const same = (life: JobLife): Step => ({ state: life, effects: [] });

const end = (life: JobLife, effects: Effect[]): Step => ({ state: { ...life, phase: 'ended' }, effects });

/** The record is still this process's to save: no final record is written or about to be. */
const mayShow = (life: JobLife) =>
  life.phase === 'planning' || life.phase === 'resuming' || life.phase === 'running' || life.phase === 'stopping' || life.phase === 'overdue';

const allEnded = (life: JobLife) => life.entities?.every((entity) => entity in life.ended) ?? false;

/** Once every entity has ended (and a job not stopped has its estimates), the job goes on to its end. */
function moveOn(life: JobLife, effects: Effect[]): Step {
  if (!allEnded(life)) return { state: life, effects };
  switch (life.phase) {
    case 'running':
      if (life.estimating) return { state: life, effects };
      return finishing(life, effects);
    case 'stopping':
      return finishing(life, effects);
    case 'fenced':
    case 'released':
      return end(life, [...effects, { type: 'endRun' }, { type: 'settled' }]);
    default:
      // overdue: the journal check under way ends it.
      return { state: life, effects };
  }
}

/** Every entity ended: the heartbeat stops, then the journal is read. */
function finishing(life: JobLife, effects: Effect[]): Step {
  const state: JobLife = { ...life, phase: 'finishing' };
  return { state, effects: [...effects, { type: 'endRun' }, { type: 'checkFence' }] };
}

function failureOf(outcome: EntityOutcome): ErrorItem | null {
  if (outcome.ok || outcome.code === 'cancelled') return null;
  return { key: outcome.code === 'disk' ? DISK_KEY : EXPORT_FAILED_KEY, message: outcome.message };
}

function planned(record: JobRecord, entities: readonly string[], warnings: readonly ErrorItem[]): JobRecord {
  const progress = Object.fromEntries(entities.map((entity): [string, EntityProgress] => [entity, { rows: 0, estimatedRows: null, state: 'pending' }]));
  const all = [...(record.warnings ?? []), ...warnings];
  return { ...record, progress, warnings: all.length === 0 ? null : all };
}

function withProgress(record: JobRecord, entity: string, patch: Partial<EntityProgress>): JobRecord {
  const current = record.progress[entity] ?? { rows: 0, estimatedRows: null, state: 'pending' };
  return { ...record, progress: { ...record.progress, [entity]: { ...current, ...patch } } };
}

function finalRecord(life: JobLife, atMs: number): JobRecord {
  const at = new Date(atMs);
  if (life.stop?.status === 'FAILED') return finish(life.record, 'FAILED', at, { errors: life.stop.errors });
  if (life.stop) return finish(life.record, 'CANCELLED', at, { cancelledBy: life.stop.by });
  const entities: Record<string, EntityStatistics> = {};
  let exportedEntities = 0;
  let writtenRows = 0;
  for (const name of life.entities ?? []) {
    const outcome = life.ended[name];
    if (!outcome?.ok) continue;
    entities[name] = { rows: outcome.rows, bytes: outcome.bytes, durationMs: outcome.durationMs, file: outcome.file };
    exportedEntities += outcome.scanned;
    writtenRows += outcome.rows;
  }
  return finish(life.record, 'COMPLETED', at, { statistics: { exportedEntities, writtenRows, entities } });
}

function withCheckpoint(record: JobRecord, entity: string, checkpoint: Checkpoint): JobRecord {
  return { ...record, checkpoints: { ...record.checkpoints, [entity]: checkpoint } };
}

/** An entity's end as progress shows it, and as its checkpoint records it: done with its file, or as far as it got. */
function withOutcome(record: JobRecord, entity: string, outcome: EntityOutcome): JobRecord {
  const shown = withProgress(record, entity, { state: 'done', ...(outcome.ok ? { rows: outcome.rows } : {}) });
  if (outcome.ok) {
    const { rows, scanned, bytes, durationMs } = outcome;
    return withCheckpoint(shown, entity, { after: null, rows, scanned, bytes, durationMs, done: true });
  }
  return outcome.checkpoint ? withCheckpoint(shown, entity, outcome.checkpoint) : shown;
}

/**
 * The checkpoints the files were taken over with: entities done are over (their files finished), the others show
 * the rows they keep. The files are all in this job's directory now: where they came from is forgotten.
 */
function withAdopted(life: JobLife, { checkpoints }: On<'adopted'>): JobLife {
  const { carriedFrom: _from, discard: _discard, ...rest } = life.record;
  let record: JobRecord = { ...rest, checkpoints: {} };
  const ended: Record<string, EntityOutcome> = { ...life.ended };
  for (const entity of life.entities ?? []) {
    const checkpoint = checkpoints[entity] ?? null;
    if (checkpoint === null) continue;
    record = withCheckpoint(record, entity, checkpoint);
    record = withProgress(record, entity, { rows: checkpoint.rows, state: checkpoint.done ? 'done' : 'pending' });
    if (checkpoint.done) ended[entity] = carried(life.record, entity, checkpoint);
  }
  return { ...life, record, ended };
}

/** A finished entity a resumed job carries over, as if it had exported it: its file now has this job's name. */
function carried(record: JobRecord, entity: string, { rows, scanned, bytes, durationMs }: Checkpoint): EntityOutcome {
  return { ok: true, rows, scanned, bytes, durationMs, file: fileNameOf(entity, record.jobId, record.fileStamp) };
}

/** Every entity not over yet ends without starting. */
function notStarted(life: JobLife): JobLife {
  const left = (life.entities ?? []).filter((entity) => !(entity in life.ended));
  return { ...life, ended: { ...life.ended, ...Object.fromEntries(left.map((entity) => [entity, NOT_STARTED])) } };
}
