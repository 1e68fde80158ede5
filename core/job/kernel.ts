// The kernel: starts, reports and cancels exports. It knows jobs, the journal port and the runner port,
// never HTTP, threads or drivers.
import { formatOffsetIso } from '../dates.ts';
import type { ProductDef } from '../entities/entity.ts';
import { activeSchemaVersion } from '../entities/index.ts';
import { errorMessage, ExportRejectedError, ExportRunningError, NothingToCancelError, UnavailableError, ValidationError, type ErrorItem } from '../errors.ts';
import { autoResumable, checkResumeParams, checkResumeSettings, findInterrupted, leftoverDirs, offerOf, resuming, type ResumeOffer } from './resume.ts';
import { DISK_KEY, next, ownedElsewhere, type Effect, type JobEvent } from './lifecycle.ts';
import { runExport, type ActiveExport, type RunDeps } from './run-export.ts';
import { fileStampOf, finish, isRunning, isTerminal, requestCancel, toStatus, type JobRecord, type JobStatus } from './status.ts';
import type { OpenDb } from '../source.ts';
import { checkIndexJournal } from './check-index-journal.ts';
import { readExportPath } from '../settings/export-path.ts';

// A running job's owner saves it every second; after this long without a save its node is presumed dead.
export const HEARTBEAT_STALE_MS = 30_000;
const DEFAULT_LOOKBACK_MS = 365 * 24 * 3600_000;
export { DISK_KEY };
export const SOURCE_KEY = 'export.source.unavailable';

/** The kernel needs exactly what a running export needs. */
export type KernelDeps = RunDeps;

/** What POST /export asks for, parsed (core/http/export-params.ts). */
export interface ExportParams {
  fromDateMs: number | null;
  /** null: not given, which means false (a resume takes the interrupted job's). */
  forceExport: boolean | null;
  schemaVersion: number | null;
  /** Carry on the interrupted job instead of starting over; the parameters given must then be that job's. */
  resume?: boolean;
}

export type { ResumeOffer };

export interface Kernel {
  startExport(params: ExportParams, trigger?: 'api' | 'schedule' | 'auto'): Promise<JobStatus>;
  /**
   * Records a run that could not start as a FAILED job with the next id, only when no job is running
   * (creating an id while one runs would release the lock); null when one is.
   */
  recordFailedRun(params: ExportParams, at: Date, errors: ErrorItem[]): Promise<JobStatus | null>;
  getStatus(): Promise<JobStatus | null>;
  cancelExport(jobId: number | null): Promise<{ jobId: number; status: 'OK'; message: string }>;
  history(offset: number, limit: number): Promise<{ values: JobStatus[]; size: number }>;
  /** What POST /export?resume=true would carry on and keep; null when it would be refused (nothing to resume, or a job runs). */
  resumeOffer(): Promise<ResumeOffer | null>;
  /**
   * SLUICE_AUTO_RESUME: resumes the latest job if a shutdown or a crash interrupted it (its owner's heartbeat
   * stale, or its process gone); the resumed job, or null when there is nothing to take up or another node took it.
   */
  autoResume(): Promise<JobStatus | null>;
  rootExportPath(): Promise<string>;
  schemaVersions(): ProductDef['schemaVersions'];
  readonly product: ProductDef;
  /** Graceful shutdown: a running export is marked CANCELLED before this resolves. */
  close(): Promise<void>;
}

/** What the kernel keeps beyond the journal: this process's, not any one job's life (lifecycle.ts has that). */
interface Node {
  readonly deps: KernelDeps;
  /** The export this process runs, while it runs. */
  running: ActiveExport | null;
  /** close() has begun: no export starts any more. */
  closing: boolean;
  /**
   * Jobs this process created: a running job of this node with this process's pid that is not one of them was
   * left by an earlier process that had the same pid (a restarted container's process is often pid 1).
   */
  readonly created: Set<number>;
  /** Starts in flight: close() waits for them, since one may create its job after the shutdown began. */
  readonly starting: Set<Promise<unknown>>;
}

export function createKernel(deps: KernelDeps): Kernel {
  const node: Node = { deps, running: null, closing: false, created: new Set(), starting: new Set() };
  return {
    startExport(params, trigger) {
      const start = startExport(node, params, trigger);
      const settled = start.catch(() => undefined).finally(() => node.starting.delete(settled));
      node.starting.add(settled);
      return start;
    },
    recordFailedRun: (params, at, errors) => recordFailedRun(node, params, at, errors),
    cancelExport: (jobId) => cancelExport(node, jobId),
    product: deps.product,
    rootExportPath: () => rootExportPath(node),
    schemaVersions: () => deps.product.schemaVersions,
    async getStatus() {
      const latest = await latestSettled(node);
      return latest ? view(node, latest) : null;
    },
    async history(offset, limit) {
      const page = await deps.store.list(offset, limit);
      return { values: await Promise.all(page.values.map((record) => view(node, record))), size: page.size };
    },
    resumeOffer: () => resumeOffer(node),
    autoResume: () => autoResume(node),
    async close() {
      node.closing = true;
      await Promise.all(node.starting);
      await node.running?.shutdown();
      await deps.runner.close();
    },
  };
}

function isOwnerDead({ deps: { host }, running, created }: Node, record: JobRecord): boolean {
  if (running?.jobId === record.jobId) return false;
  if (record.owner.nodeId === host.nodeId && !host.isLocalProcessAlive(record.owner.pid)) return true;
  if (record.owner.nodeId === host.nodeId && record.owner.pid === host.pid && !created.has(record.jobId)) return true;
  return host.now().getTime() - record.owner.heartbeatMs > HEARTBEAT_STALE_MS;
}

/** Moves a job another process owns through its life, carrying out here and now what that asks for. */
async function moveElsewhere(node: Node, record: JobRecord, cancelMarked: boolean, events: JobEvent[]): Promise<JobRecord> {
  let life = ownedElsewhere(record, cancelMarked);
  for (const event of events) {
    const step = next(life, event);
    life = step.state;
    for (const effect of step.effects) await carryOutHere(node, effect);
  }
  return life.record;
}

/** A job owned elsewhere asks only for these: its final record, a cancel marker for its owner. */
async function carryOutHere({ deps: { store } }: Node, effect: Effect): Promise<void> {
  if (effect.type === 'writeFinal') await store.save(effect.record);
  else if (effect.type === 'markCancel') await store.requestCancel(effect.jobId);
}

/** The latest job; finished here when a cancel was asked of it and its owner died before obeying, since nothing else will. */
async function latestSettled(node: Node): Promise<JobRecord | null> {
  const { store, host } = node.deps;
  const latest = await store.latest();
  if (!latest || isTerminal(latest.status) || !isOwnerDead(node, latest)) return latest;
  const cancelMarked = await store.isCancelRequested(latest.jobId);
  return moveElsewhere(node, latest, cancelMarked, [{ type: 'ownerDead', atMs: host.now().getTime() }]);
}

async function view(node: Node, record: JobRecord): Promise<JobStatus> {
  if (isTerminal(record.status)) return toStatus(record);
  const shown = (await node.deps.store.isCancelRequested(record.jobId)) ? requestCancel(record) : record;
  return toStatus(shown, { time: formatOffsetIso(new Date(record.owner.heartbeatMs)), stale: isOwnerDead(node, record) });
}

async function rootExportPath({ deps: { store, host, config } }: Node): Promise<string> {
  return (await readExportPath(store)) ?? host.joinPath(config.pipelineHome, 'data-pipeline', 'export');
}

/**
 * Problems that stop the export (`fatal`) and those forceExport turns into warnings (`index`). The leftovers a
 * new export discards count as free: they go before it writes anything.
 */
async function preValidate({ deps }: Node, root: string, discarded: readonly string[]): Promise<{ fatal: ErrorItem[]; index: ErrorItem[] }> {
  const { config, host } = deps;
  const fatal: ErrorItem[] = [];
  if (config.minFreeDiskBytes > 0) {
    await host.makePrivateDir(root);
    const reclaimed = (await Promise.all(discarded.map((dir) => host.dirBytes(dir).catch(() => 0)))).reduce((sum, bytes) => sum + bytes, 0);
    const free = await host.freeBytes(root).then((bytes) => (bytes === null ? null : bytes + reclaimed));
    if (free !== null && free < config.minFreeDiskBytes) {
      fatal.push({ key: DISK_KEY, message: `Cannot export: ${free} bytes free at ${root}, below the minimum of ${config.minFreeDiskBytes}` });
    }
  }
  let db: Awaited<ReturnType<OpenDb>>;
  try {
    db = await deps.openDb();
  } catch (error) {
    return { fatal: [...fatal, { key: SOURCE_KEY, message: errorMessage(error) }], index: [] };
  }
  try {
    if (!config.indexJournalFile) return { fatal, index: [] };
    const text = await host.readText(config.indexJournalFile);
    return { fatal, index: await checkIndexJournal(db, text, config.indexJournalFile, host.now().getTime(), config.sourceTimezone) };
  } finally {
    await db.close();
  }
}

type Trigger = NonNullable<JobRecord['trigger']>;

function newRecord({ deps: { host, product, config } }: Node, jobId: number, params: ExportParams, root: string, start: Date, trigger: Trigger): JobRecord {
  const fromMs = params.fromDateMs ?? Math.floor((start.getTime() - DEFAULT_LOOKBACK_MS) / 60_000) * 60_000;
  return {
    startTime: formatOffsetIso(start),
    completedTime: null,
    cancelledTime: null,
    nodeId: host.nodeId,
    jobId,
    status: 'STARTED',
    config: {
      // The instant exactly: milliseconds are shown when it has any.
      exportFrom: formatOffsetIso(new Date(fromMs), fromMs % 1000 !== 0),
      forcedExport: params.forceExport === true,
      schemaVersion: params.schemaVersion ?? activeSchemaVersion(product),
    },
    statistics: null,
    warnings: null,
    errors: null,
    rootExportPath: root,
    progress: {},
    fromMs,
    owner: { nodeId: host.nodeId, pid: host.pid, heartbeatMs: start.getTime() },
    exportDir: host.joinPath(root, String(jobId)),
    fileStamp: fileStampOf(start),
    trigger,
    checkpoints: {},
    output: { baseUrl: config.baseUrl, sourceTimezone: config.sourceTimezone, lineBreak: config.lineBreak },
  };
}

function checkVersion({ deps: { product } }: Node, version: number | null): void {
  if (version !== null && !product.schemaVersions.some((s) => s.version === version)) {
    const known = product.schemaVersions.map((s) => s.version).join(', ');
    throw new ValidationError([
      { key: 'invalid.schemaVersion', message: `Cannot export schema version ${version}: this ${product.product} site offers ${known}` },
    ]);
  }
}

async function startExport(node: Node, params: ExportParams, trigger: Trigger = 'api'): Promise<JobStatus> {
  const { store, host } = node.deps;
  checkVersion(node, params.schemaVersion);
  if (node.closing) throw new UnavailableError('Cannot start an export: this node is shutting down');
  const latest = params.resume ? await endCrashedForResume(node) : await latestSettled(node);
  if (isRunning(latest)) throw new ExportRunningError(await view(node, latest!));
  const interrupted = await findInterrupted(store, latest);
  const root = await rootExportPath(node);
  const start = host.now();
  let record = nextRecord(node, (latest?.jobId ?? 0) + 1, params, interrupted, { root, start, trigger });
  const problems = await preValidate(node, root, params.resume ? [] : (record.discard ?? []));
  const force = record.config.forcedExport;
  if (problems.fatal.length > 0 || (problems.index.length > 0 && !force)) {
    record = finish(record, 'FAILED', host.now(), { errors: [...problems.fatal, ...(force ? [] : problems.index)] });
  } else if (problems.index.length > 0) {
    record = { ...record, warnings: problems.index };
  }
  if (record.status === 'FAILED') record = failedBeforeRunning(record);
  node.created.add(record.jobId);
  if (!(await store.create(record))) {
    const winner = await store.latest();
    // A FAILED record (a scheduled run that could not start) took the id without taking the lock.
    if (winner && isTerminal(winner.status)) return startExport(node, params, trigger);
    throw new ExportRunningError(await view(node, winner!));
  }
  if (record.status === 'FAILED') throw new ExportRejectedError(toStatus(record));
  // The next job may already be running when this one's final save returns: only this job lets go of `running`.
  const { jobId } = record;
  node.running = runExport(record, node.deps, () => {
    if (node.running?.jobId === jobId) node.running = null;
  });
  return toStatus(record);
}

/** The job to create: one carrying the interrupted job on (resume), or a new one that discards its leftovers. */
function nextRecord(
  node: Node,
  jobId: number,
  params: ExportParams,
  interrupted: Awaited<ReturnType<typeof findInterrupted>>,
  at: { root: string; start: Date; trigger: Trigger },
): JobRecord {
  if (!params.resume) {
    const fresh = newRecord(node, jobId, params, at.root, at.start, at.trigger);
    return 'job' in interrupted ? { ...fresh, discard: leftoverDirs(interrupted.job) } : fresh;
  }
  if (!('job' in interrupted)) throw new ValidationError([{ key: 'invalid.resume', message: interrupted.reason }]);
  const { job } = interrupted;
  checkResumeParams(job, params);
  checkResumeSettings(job, node.deps.config);
  const same: ExportParams = { fromDateMs: job.fromMs, forceExport: job.config.forcedExport, schemaVersion: job.config.schemaVersion };
  return resuming(newRecord(node, jobId, same, at.root, at.start, at.trigger), job);
}

/** A job refused before it ran keeps nothing and discards nothing: the interrupted job's leftovers wait for the next. */
function failedBeforeRunning({ checkpoints: _checkpoints, carriedFrom: _from, discard: _discard, ...record }: JobRecord): JobRecord {
  return record;
}

/**
 * The latest job, as a resume finds it: a job left STARTED by a dead owner is first recorded CANCELLED (as DELETE
 * does), so that the next job may be created through the lock.
 */
async function endCrashedForResume(node: Node): Promise<JobRecord | null> {
  const latest = await latestSettled(node);
  if (!latest || !isRunning(latest) || !isOwnerDead(node, latest)) return latest;
  const atMs = node.deps.host.now().getTime();
  return moveElsewhere(node, latest, false, [
    { type: 'ownerDead', atMs },
    { type: 'resumeAsked', atMs },
  ]);
}

async function resumeOffer(node: Node): Promise<ResumeOffer | null> {
  const latest = await latestSettled(node);
  // A crashed node's job: a resume records it CANCELLED, then carries it on.
  if (isRunning(latest)) return isOwnerDead(node, latest!) && latest!.checkpoints ? offerOf(latest!) : null;
  const interrupted = await findInterrupted(node.deps.store, latest);
  return 'job' in interrupted ? offerOf(interrupted.job) : null;
}

async function autoResume(node: Node): Promise<JobStatus | null> {
  if (node.closing) return null;
  const latest = await latestSettled(node);
  if (!latest || !autoResumable(latest, isRunning(latest) && isOwnerDead(node, latest))) return null;
  try {
    return await startExport(node, { fromDateMs: null, forceExport: null, schemaVersion: null, resume: true }, 'auto');
  } catch (error) {
    // Another node took it up first, or it ended meanwhile: nothing for this one to do.
    if (error instanceof ExportRunningError || error instanceof ValidationError || error instanceof UnavailableError) return null;
    throw error;
  }
}

async function recordFailedRun(node: Node, params: ExportParams, at: Date, errors: ErrorItem[]): Promise<JobStatus | null> {
  for (;;) {
    const latest = await node.deps.store.latest();
    if (isRunning(latest)) return null;
    const record = failedBeforeRunning(
      finish(newRecord(node, (latest?.jobId ?? 0) + 1, params, await rootExportPath(node), at, 'schedule'), 'FAILED', at, { errors }),
    );
    if (await node.deps.store.create(record)) return toStatus(record);
  }
}

async function cancelExport(node: Node, jobId: number | null): Promise<{ jobId: number; status: 'OK'; message: string }> {
  const { store, host } = node.deps;
  const target = jobId === null ? await store.latest() : await store.get(jobId);
  if (!target || isTerminal(target.status)) {
    throw new NothingToCancelError(jobId === null ? 'No export is running' : `Job ${jobId} is not running`);
  }
  if (node.running?.jobId === target.jobId) {
    await node.running.cancel();
  } else {
    // A dead owner's job is finished here and now (nothing else will); a live one's owner gets a cancel marker.
    const atMs = host.now().getTime();
    const seen: JobEvent[] = isOwnerDead(node, target) ? [{ type: 'ownerDead', atMs }] : [];
    await moveElsewhere(node, target, false, [...seen, { type: 'cancelAsked', atMs }]);
  }
  return { jobId: target.jobId, status: 'OK' as const, message: `Cancellation of job ${target.jobId} requested` };
}
