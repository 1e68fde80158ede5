// Running one job: the driver of its state machine (lifecycle.ts). It feeds the machine what happens (the
// plan, the files a resumed job took over, the budget admitting entities, the tasks' reports, checkpoints and
// outcomes, what the heartbeat sees in the journal and on the disk, a cancel, a shutdown) and carries out the
// effects it answers with. The machine decides; this only does.
import type { Config } from '../config.ts';
import type { ProductDef } from '../entities/entity.ts';
import { errorMessage } from '../errors.ts';
import { createEntityPace } from '../pacing/entity-pace.ts';
import type { OpenDb } from '../source.ts';
import { next, startRun, type Effect, type JobEvent, type JobLife } from './lifecycle.ts';
import { contextOf, planEntities, type Plan } from './plan-entities.ts';
import type { EntityRunner, Host, JobStore, TaskHandle } from './ports.ts';
import { createRunPacing, type PacingDeps, type RunPacing } from './run-pacing.ts';
import { adoptFiles } from './adopt-files.ts';
import { fileNameOf, isTerminal, type Checkpoint, type JobRecord } from './status.ts';
import type { EntityOutcome, TaskPacing } from './task.ts';

// Progress is saved and cancel markers, disk space and the journal's record of the job are read this often.
const HEARTBEAT_MS = 1000;
// A shutting-down node waits this long for its tasks to stop before recording the cancellation anyway.
const SHUTDOWN_WAIT_MS = 10_000;

export interface RunDeps {
  config: Config;
  store: JobStore;
  runner: EntityRunner;
  openDb: OpenDb;
  host: Host;
  product: ProductDef;
  /** How the job is paced: the plan, and where the governor measures the site. */
  pacing: PacingDeps;
}

export interface ActiveExport {
  jobId: number;
  /** Resolves once the journal shows the cancellation requested. */
  cancel(): Promise<void>;
  /** Resolves once the job's final record is in the journal, after SHUTDOWN_WAIT_MS at most (plus that write). */
  shutdown(): Promise<void>;
}

/** One job's run: the machine's state, and what its effects are carried out with. */
interface Run {
  readonly deps: RunDeps;
  life: JobLife;
  readonly pacing: RunPacing;
  /** The planned entities and the planning connection, once planned. */
  plan: Plan | null;
  /** Every task started, to tell them to cancel. */
  readonly tasks: TaskHandle[];
  /** The effects on the journal and the disk, carried out one after another in the order asked for. */
  io: Promise<void>;
  /**
   * The journal was seen to hold a final record of the job: nothing is written to it any more, not even a save
   * still queued from before (a node woken from a freeze must not bring a job another node ended back to life).
   */
  finalSeen: boolean;
  heartbeat: ReturnType<typeof setInterval> | undefined;
  /** The journal holds the job's final record. */
  readonly released: Signal;
  /** Nothing more happens for the job here. */
  readonly settled: Signal;
  readonly onDone: () => void;
}

export function runExport(initial: JobRecord, deps: RunDeps, onDone: () => void): ActiveExport {
  const run: Run = {
    deps,
    life: startRun(initial),
    pacing: createRunPacing(deps.pacing, (view) => void dispatch(run, { type: 'paced', view })),
    plan: null,
    tasks: [],
    io: Promise.resolve(),
    finalSeen: false,
    heartbeat: undefined,
    released: signal(),
    settled: signal(),
    onDone,
  };
  run.heartbeat = setInterval(() => void observe(run), HEARTBEAT_MS);
  void plan(run);
  return {
    jobId: initial.jobId,
    cancel: () => dispatch(run, { type: 'cancelAsked', atMs: nowMs(run) }),
    shutdown: () => shutdown(run),
  };
}

// Telling tasks what to do never waits for the journal.
const TELLS_TASKS = new Set<Effect['type']>(['startTask', 'skipTask', 'cancelTasks']);

/** Feeds the machine one event and carries out its effects; resolves once those on the journal and disk are done. */
function dispatch(run: Run, event: JobEvent): Promise<void> {
  const step = next(run.life, event);
  run.life = step.state;
  for (const effect of step.effects) {
    if (TELLS_TASKS.has(effect.type)) void carryOut(run, effect);
    else run.io = run.io.then(() => carryOut(run, effect)).catch(() => undefined);
  }
  return run.io;
}

async function carryOut(run: Run, effect: Effect): Promise<void> {
  const { store, host } = run.deps;
  switch (effect.type) {
    case 'save':
    case 'writeFinal':
      if (!run.finalSeen) await store.save(effect.record).catch(() => undefined);
      return;
    case 'startEntities':
      return startEntities(run);
    case 'adoptFiles':
      return adopt(run, effect.entities);
    case 'removeLeftovers':
      for (const dir of effect.dirs) await host.cleanExportDir(dir, 'all').catch(() => undefined);
      return;
    case 'startTask':
      return startTask(run, effect.entity, effect.pacing);
    case 'skipTask':
      return run.pacing.done(null);
    case 'cancelTasks':
      for (const task of run.tasks) task.send({ type: 'cancel' });
      return;
    case 'endRun':
      return endRun(run);
    case 'checkFence':
      return checkFence(run);
    case 'markCancel':
      return store.requestCancel(effect.jobId).catch(() => undefined);
    case 'released':
      return run.released.fire();
    case 'settled':
      run.settled.fire();
      return run.onDone();
  }
}

async function plan(run: Run): Promise<void> {
  try {
    run.plan = await planEntities(run.life.record, run.deps);
  } catch (error) {
    void dispatch(run, { type: 'failed', cause: 'planning', message: errorMessage(error) });
    return;
  }
  const { entities, warnings } = run.plan;
  void dispatch(run, { type: 'planned', entities: entities.map((entity) => entity.name), warnings });
}

/** A resumed job takes the interrupted job's files over before its entities start. */
async function adopt(run: Run, entities: readonly string[]): Promise<void> {
  try {
    const checkpoints = await adoptFiles(run.life.record, entities, run.deps.host);
    void dispatch(run, { type: 'adopted', checkpoints });
  } catch (error) {
    void dispatch(run, { type: 'failed', cause: 'adopting', message: `Cannot resume job ${run.life.record.config.resumedFrom}: ${errorMessage(error)}` });
  }
}

/** The estimates only feed the progress shown; the entities do not wait for them. */
function startEntities(run: Run): void {
  const plan = run.plan!;
  run.pacing.start();
  void estimate(run, plan)
    .catch(() => undefined)
    .then(() => dispatch(run, { type: 'estimatesDone' }));
  // Entities start as the budget makes room for them (impact-control.ts); those a resumed job carried over finished are done.
  for (const entity of plan.entities.filter((e) => !(e.name in run.life.ended))) {
    void run.pacing.admit().then((pacing) => dispatch(run, { type: 'admitted', entity: entity.name, pacing }));
  }
}

/**
 * The row estimates, paced like the entities' chunks: a count is work the site pays for too, and on a busy
 * site the first counts would otherwise run before the governor has measured anything.
 */
async function estimate(run: Run, plan: Plan): Promise<void> {
  const pace = createEntityPace({ type: 'pace', dutyCycle: 0, hold: true, reason: null });
  const release = run.pacing.helper({ send: (message) => pace.update(message) });
  const stopped = new AbortController();
  void run.settled.fired.then(() => stopped.abort());
  try {
    await plan.estimate(
      (entity, rows) => void dispatch(run, { type: 'estimated', entity, rows }),
      (costMs) => pace.rest(costMs, stopped.signal),
    );
  } finally {
    release();
  }
}

function startTask(run: Run, entity: string, pacing: TaskPacing): void {
  const { deps } = run;
  const { record } = run.life;
  let handle: TaskHandle;
  try {
    handle = deps.runner.start(
      {
        product: deps.product.product,
        entity,
        ctx: contextOf(record, deps.config, run.plan!.optedOut),
        lineBreak: deps.config.lineBreak,
        dir: record.exportDir,
        fileName: fileNameOf(entity, record.jobId, record.fileStamp),
        pacing,
        databaseUrl: deps.config.databaseUrl ?? '',
        ...resumePoint(record, entity),
      },
      (report) => {
        run.pacing.queryCpu(handle, report.cpu.databaseMs);
        void dispatch(run, { type: 'progress', entity, rows: report.rows, governor: report.governor, cpu: report.cpu, checkpoint: report.checkpoint });
      },
    );
  } catch (error) {
    run.pacing.done(null);
    void dispatch(run, { type: 'entityDone', entity, outcome: internalFailure(entity, error) });
    return;
  }
  run.tasks.push(handle);
  run.pacing.add(handle);
  void handle.outcome
    .catch((error: unknown) => internalFailure(entity, error))
    .then((outcome) => {
      run.pacing.done(handle);
      return dispatch(run, { type: 'entityDone', entity, outcome });
    });
}

/** Where an entity of a resumed job carries on: its checkpoint, unless it starts over. */
function resumePoint(record: JobRecord, entity: string): { resume?: Checkpoint } {
  const checkpoint = record.checkpoints?.[entity];
  return checkpoint && !checkpoint.done ? { resume: checkpoint } : {};
}

const internalFailure = (entity: string, error: unknown): EntityOutcome => ({
  ok: false,
  code: 'internal',
  message: `Cannot export ${entity}: ${errorMessage(error)}`,
});

async function endRun(run: Run): Promise<void> {
  clearInterval(run.heartbeat);
  await run.pacing.stop().catch(() => undefined);
  await run.plan?.close();
}

/** Whether the journal already holds a final record of the job, written by another node. */
async function checkFence(run: Run): Promise<void> {
  const stored = await readFinal(run);
  void dispatch(run, stored ? { type: 'fenced', record: stored } : { type: 'fenceClear', atMs: nowMs(run) });
}

/** The job's final record, if the journal holds one. */
async function readFinal(run: Run): Promise<JobRecord | null> {
  const stored = await run.deps.store.get(run.life.record.jobId).catch(() => null);
  if (!stored || !isTerminal(stored.status)) return null;
  run.finalSeen = true;
  return stored;
}

/** The heartbeat: the journal's record of the job, the save that shows this owner alive, cancel markers, disk space. */
async function observe(run: Run): Promise<void> {
  const { store, host, config } = run.deps;
  const { jobId, exportDir } = run.life.record;
  const stored = await readFinal(run);
  if (stored) {
    void dispatch(run, { type: 'fenced', record: stored });
    return;
  }
  await dispatch(run, { type: 'beat', atMs: nowMs(run) });
  if (await store.isCancelRequested(jobId).catch(() => false)) void dispatch(run, { type: 'cancelAsked', atMs: nowMs(run) });
  if (config.minFreeDiskBytes <= 0) return;
  const free = await host.freeBytes(exportDir).catch(() => null);
  if (free !== null && free < config.minFreeDiskBytes) {
    const message = `Stopped the export: ${free} bytes free at ${exportDir}, below the minimum of ${config.minFreeDiskBytes}`;
    void dispatch(run, { type: 'failed', cause: 'diskLow', message });
  }
}

async function shutdown(run: Run): Promise<void> {
  void dispatch(run, { type: 'shutdown' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SHUTDOWN_WAIT_MS)));
  const first = await Promise.race([run.settled.fired.then(() => 'settled' as const), waited]);
  // A pending wait would hold the process open for the rest of it.
  clearTimeout(timer);
  if (first === 'timeout') {
    void dispatch(run, { type: 'shutdownTimedOut' });
    await run.released.fired;
  }
}

const nowMs = (run: Run) => run.deps.host.now().getTime();

interface Signal {
  readonly fired: Promise<void>;
  fire(): void;
}

function signal(): Signal {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fired, fire };
}
