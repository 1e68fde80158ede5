// Running one job: estimates, one task per entity, a heartbeat that saves progress and watches for
// cancellation and disk space, and the final record, which is also the release of the lock.
import type { Config } from '../config.ts';
import { utcMsToLocal } from '../dates.ts';
import type { EntityDef, ProductDef, ReadContext } from '../entities/entity.ts';
import { errorMessage, SourceUnavailableError, type ErrorItem } from '../errors.ts';
import { createImpactControl } from '../pacing/impact-control.ts';
import { fileNameOf, finish, isTerminal, type EntityStatistics, type JobRecord } from './status.ts';
import type { EntityRunner, Host, JobStore, TaskHandle } from './ports.ts';
import type { OpenLoadMonitor } from '../pacing/load-governor.ts';
import type { OpenDb } from '../source.ts';
import type { EntityOutcome } from './task.ts';
import { readOptOut } from '../settings/opt-out.ts';

// Progress is saved and cancel requests and disk space are checked this often.
const HEARTBEAT_MS = 1000;
// A shutting-down node waits this long for its tasks to stop before recording the cancellation anyway.
const SHUTDOWN_WAIT_MS = 10_000;
export const EXPORT_FAILED_KEY = 'export.failed';
const DISK_KEY = 'export.disk.space.insufficient';

export interface RunDeps {
  config: Config;
  store: JobStore;
  runner: EntityRunner;
  openDb: OpenDb;
  host: Host;
  product: ProductDef;
  /** Reads the database's load signals; without it the duty cycle alone bounds the export. */
  openLoadMonitor?: OpenLoadMonitor;
  /** CPU cores the impact budget is a share of (1 when unknown). */
  capacity?: number;
  /** This machine's CPU cores: at most this many entities export at once. */
  cores?: number;
}

export interface ActiveExport {
  jobId: number;
  cancel(): Promise<void>;
  shutdown(): Promise<void>;
}

type StopReason = { status: 'CANCELLED' } | { status: 'FAILED'; errors: ErrorItem[] };

export function runExport(initial: JobRecord, deps: RunDeps, onDone: () => void): ActiveExport {
  const { store, host, config } = deps;
  let record = initial;
  let stop: StopReason | null = null;
  const handles: TaskHandle[] = [];
  let saving: Promise<void> = Promise.resolve();
  let sealed = false;
  // Another node ended this job while this one looked dead (frozen, cut off): its record stands.
  let takenOver = false;
  // Once the final record is written nothing may overwrite it: that write released the lock.
  const save = () => (saving = saving.then(() => (sealed ? undefined : store.save(record))).catch(() => undefined));
  const seal = async (final: JobRecord) => {
    if (sealed || (await checkTakenOver())) return;
    sealed = true;
    await saving;
    await store.save(final).catch(() => undefined);
  };
  /** Seals the job without a write when the journal already holds another node's final record of it. */
  const checkTakenOver = async (): Promise<boolean> => {
    const stored = await store.get(record.jobId).catch(() => null);
    if (sealed || !stored || !isTerminal(stored.status)) return takenOver;
    halt({ status: 'CANCELLED' });
    sealed = takenOver = true;
    return true;
  };

  const halt = (reason: StopReason) => {
    if (stop || sealed) return;
    stop = reason;
    if (reason.status === 'CANCELLED' && record.status === 'STARTED') {
      record = { ...record, status: 'CANCELLATION_REQUESTED' };
      void save();
    }
    for (const handle of handles) handle.send({ type: 'cancel' });
  };

  const heartbeat = async () => {
    if (await checkTakenOver()) return;
    record = { ...record, owner: { ...record.owner, heartbeatMs: host.now().getTime() } };
    await save();
    if (await store.isCancelRequested(record.jobId).catch(() => false)) halt({ status: 'CANCELLED' });
    if (config.minFreeDiskBytes > 0) {
      const free = await host.freeBytes(record.exportDir).catch(() => null);
      if (free !== null && free < config.minFreeDiskBytes) {
        halt({
          status: 'FAILED',
          errors: [
            { key: DISK_KEY, message: `Stopped the export: ${free} bytes free at ${record.exportDir}, below the minimum of ${config.minFreeDiskBytes}` },
          ],
        });
      }
    }
  };

  // A load pause is shown on every running entity at once: a paused worker sends no reports.
  const impact = createImpactControl({
    budget: config.impactBudget,
    capacity: deps.capacity ?? 1,
    cores: deps.cores,
    openMonitor: deps.openLoadMonitor,
    onLoad: (reason) => {
      for (const [name, progress] of Object.entries(record.progress)) {
        if (progress.state === 'running' && progress.governor) setProgress(name, { governor: { ...progress.governor, paused: reason !== null, reason } });
      }
    },
  });

  const runEntity = async (entity: EntityDef): Promise<EntityOutcome> => {
    // Entities start as the budget makes room for them (impact-control.ts).
    const share = await impact.admit();
    if (stop) {
      impact.done(null);
      return { ok: false, code: 'cancelled', message: 'Stopped before it started' };
    }
    setProgress(entity.name, { state: 'running' });
    const handle = deps.runner.start(
      {
        product: deps.product.product,
        entity: entity.name,
        ctx: contextOf(record, deps, optedOut),
        lineBreak: config.lineBreak,
        dir: record.exportDir,
        fileName: fileNameOf(entity.name, record.jobId, record.fileStamp),
        share,
        ...(impact.cores > 0 ? { budgetCores: impact.cores } : {}),
        databaseUrl: config.databaseUrl ?? '',
      },
      (report) => setProgress(entity.name, { rows: report.rows, governor: report.governor }),
    );
    handles.push(handle);
    impact.add(handle);
    return handle.outcome.then((outcome) => {
      impact.done(handle);
      setProgress(entity.name, { state: 'done', ...(outcome.ok ? { rows: outcome.rows } : {}) });
      if (!outcome.ok && outcome.code === 'disk') halt({ status: 'FAILED', errors: [{ key: DISK_KEY, message: outcome.message }] });
      else if (!outcome.ok && outcome.code !== 'cancelled') halt({ status: 'FAILED', errors: [{ key: EXPORT_FAILED_KEY, message: outcome.message }] });
      return outcome;
    });
  };

  let optedOut: readonly string[] = [];
  const setProgress = (name: string, patch: Partial<JobRecord['progress'][string]>) => {
    const current = record.progress[name] ?? { rows: 0, estimatedRows: null, state: 'pending' };
    record = { ...record, progress: { ...record.progress, [name]: { ...current, ...patch } } };
  };

  const finalRecord = async (outcomes: EntityOutcome[], entities: EntityDef[]): Promise<JobRecord> => {
    const reason = stop as StopReason | null;
    if (reason?.status === 'FAILED') return finish(record, 'FAILED', host.now(), { errors: reason.errors });
    if (reason?.status === 'CANCELLED') return finish(record, 'CANCELLED', host.now());
    const stats: Record<string, EntityStatistics> = {};
    let exported = 0,
      written = 0;
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) return;
      stats[entities[i].name] = { rows: outcome.rows, bytes: outcome.bytes, durationMs: outcome.durationMs, file: outcome.file };
      exported += outcome.scanned;
      written += outcome.rows;
    });
    return finish(record, 'COMPLETED', host.now(), { statistics: { exportedEntities: exported, writtenRows: written, entities: stats } });
  };

  const done = (async () => {
    const timer = setInterval(() => void heartbeat(), HEARTBEAT_MS);
    try {
      await host.makePrivateDir(record.exportDir);
      optedOut = (await readOptOut(store, deps.product.product)).keys;
      const plan = await planEntities(record, deps);
      record = { ...record, progress: plan.progress, warnings: merge(record.warnings, plan.warnings) };
      await save();
      impact.start();
      // Estimates only feed the progress shown; the entities do not wait for them.
      const estimating = plan.estimate((name, estimatedRows) => setProgress(name, { estimatedRows }));
      const outcomes = await Promise.all(plan.entities.map(runEntity));
      // A stopped job does not wait for a count still running; it closes its connection when done.
      if (!stop) await estimating;
      record = await finalRecord(outcomes, plan.entities);
    } catch (error) {
      record = finish(record, 'FAILED', host.now(), { errors: [{ key: EXPORT_FAILED_KEY, message: errorMessage(error) }] });
    } finally {
      clearInterval(timer);
      await impact.stop();
    }
    await checkTakenOver();
    if (record.status !== 'COMPLETED' || takenOver) await host.cleanExportDir(record.exportDir, 'all').catch(() => undefined);
    // Saving the final state is what releases the lock, so it is the last thing a job does.
    await seal(record);
    onDone();
  })();

  return {
    jobId: initial.jobId,
    async cancel() {
      halt({ status: 'CANCELLED' });
      // The caller answers "cancellation requested": the journal says so before it does.
      await saving;
    },
    async shutdown() {
      halt({ status: 'CANCELLED' });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SHUTDOWN_WAIT_MS)));
      const first = await Promise.race([done.then(() => 'done' as const), timeout]);
      // A pending wait would hold the process open for the rest of it.
      clearTimeout(timer);
      if (first === 'timeout') {
        await seal(finish(record, 'CANCELLED', host.now()));
      }
    },
  };
}

function merge(a: ErrorItem[] | null, b: ErrorItem[]): ErrorItem[] | null {
  const all = [...(a ?? []), ...b];
  return all.length === 0 ? null : all;
}

function contextOf(record: JobRecord, deps: RunDeps, optedOut: readonly string[]): ReadContext {
  const zone = deps.config.sourceTimezone;
  return {
    baseUrl: deps.config.baseUrl,
    fromMs: record.fromMs,
    fromLocal: utcMsToLocal(record.fromMs, zone),
    timezone: zone,
    optedOut,
    schemaVersion: record.config.schemaVersion,
  };
}

// A connection lost while it is set up (killed, the server restarting) is opened again, with growing
// waits: the job has read nothing yet. A database that stays away still fails the job within seconds.
const PLAN_OPEN_WAITS_MS = [250, 500, 1000, 2000];

async function openAgain(openDb: OpenDb): ReturnType<OpenDb> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await openDb();
    } catch (error) {
      if (!(error instanceof SourceUnavailableError) || attempt >= PLAN_OPEN_WAITS_MS.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, PLAN_OPEN_WAITS_MS[attempt]));
    }
  }
}

/**
 * Which entities this job writes (missing optional tables become warnings), and a way to estimate their
 * sizes afterwards on the same connection, which closes when the estimates are in.
 */
async function planEntities(record: JobRecord, deps: RunDeps) {
  const db = await openAgain(deps.openDb);
  const warnings: ErrorItem[] = [];
  const entities: EntityDef[] = [];
  const progress: JobRecord['progress'] = {};
  for (const entity of deps.product.entities) {
    if (entity.versions && !entity.versions.includes(record.config.schemaVersion)) continue;
    if (entity.optional?.tables.some((t) => db.table(t) === null)) {
      warnings.push(entity.optional.warning);
      continue;
    }
    entities.push(entity);
    progress[entity.name] = { rows: 0, estimatedRows: null, state: 'pending' };
  }
  const estimate = async (found: (entity: string, rows: number | null) => void) => {
    try {
      const ctx = contextOf(record, deps, []);
      for (const entity of entities) found(entity.name, await entity.estimate(db, ctx).catch(() => null));
    } finally {
      await db.close().catch(() => undefined);
    }
  };
  return { entities, warnings, progress, estimate };
}
