// The kernel: starts, reports and cancels exports. It knows jobs, the journal port and the runner port,
// never HTTP, threads or drivers.
import { formatOffsetIso } from '../dates.ts';
import type { ProductDef } from '../entities/entity.ts';
import { errorMessage, ExportRejectedError, ExportRunningError, NothingToCancelError, UnavailableError, ValidationError, type ErrorItem } from '../errors.ts';
import { runExport, type ActiveExport, type RunDeps } from './run-export.ts';
import { fileStampOf, finish, isRunning, isTerminal, requestCancel, toStatus, type JobRecord, type JobStatus } from './status.ts';
import type { OpenDb } from '../source.ts';
import { checkIndexJournal } from './check-index-journal.ts';
import { readExportPath } from '../settings/export-path.ts';

// A running job's owner saves it every second; after this long without a save its node is presumed dead.
export const HEARTBEAT_STALE_MS = 30_000;
const DEFAULT_LOOKBACK_MS = 365 * 24 * 3600_000;
export const DISK_KEY = 'export.disk.space.insufficient';
export const SOURCE_KEY = 'export.source.unavailable';

/** The kernel needs exactly what a running export needs. */
export type KernelDeps = RunDeps;

/** What POST /export asks for, parsed (core/http/export-params.ts). */
export interface ExportParams {
  fromDateMs: number | null;
  forceExport: boolean;
  schemaVersion: number | null;
}

export interface Kernel {
  startExport(params: ExportParams, trigger?: 'api' | 'schedule'): Promise<JobStatus>;
  /**
   * Records a run that could not start as a FAILED job with the next id, only when no job is running
   * (creating an id while one runs would release the lock); null when one is.
   */
  recordFailedRun(params: ExportParams, at: Date, errors: ErrorItem[]): Promise<JobStatus | null>;
  getStatus(): Promise<JobStatus | null>;
  cancelExport(jobId: number | null): Promise<{ jobId: number; status: 'OK'; message: string }>;
  history(offset: number, limit: number): Promise<{ values: JobStatus[]; size: number }>;
  rootExportPath(): Promise<string>;
  schemaVersions(): ProductDef['schemaVersions'];
  readonly product: ProductDef;
  /** Graceful shutdown: a running export is marked CANCELLED before this resolves. */
  close(): Promise<void>;
}

export function createKernel(deps: KernelDeps): Kernel {
  const { config, store, host, product } = deps;
  let active: ActiveExport | null = null;
  let closing = false;
  // Jobs this kernel created: a running job of this node with this process's pid that is not one of them was
  // left by an earlier process that had the same pid (a restarted container's process is often pid 1).
  const created = new Set<number>();
  // Starts in flight: close() waits for them, since one may create its job after the shutdown began.
  const starting = new Set<Promise<unknown>>();

  const isOwnerDead = (record: JobRecord): boolean => {
    if (active?.jobId === record.jobId) return false;
    if (record.owner.nodeId === host.nodeId && !host.isLocalProcessAlive(record.owner.pid)) return true;
    if (record.owner.nodeId === host.nodeId && record.owner.pid === host.pid && !created.has(record.jobId)) return true;
    return host.now().getTime() - record.owner.heartbeatMs > HEARTBEAT_STALE_MS;
  };

  /** The latest job; finished here when a cancel was asked of it and its owner died before obeying, since nothing else will. */
  const latestSettled = async (): Promise<JobRecord | null> => {
    const latest = await store.latest();
    if (!latest || isTerminal(latest.status) || !isOwnerDead(latest) || !(await store.isCancelRequested(latest.jobId))) return latest;
    const cancelled = finish(latest, 'CANCELLED', host.now());
    await store.save(cancelled);
    await host.cleanExportDir(latest.exportDir, 'all');
    return cancelled;
  };

  const view = async (record: JobRecord): Promise<JobStatus> => {
    if (isTerminal(record.status)) return toStatus(record);
    const shown = (await store.isCancelRequested(record.jobId)) ? requestCancel(record) : record;
    return toStatus(shown, { time: formatOffsetIso(new Date(record.owner.heartbeatMs)), stale: isOwnerDead(record) });
  };

  const rootExportPath = async (): Promise<string> => (await readExportPath(store)) ?? host.joinPath(config.pipelineHome, 'data-pipeline', 'export');

  /** Problems that stop the export (`fatal`) and those forceExport turns into warnings (`index`). */
  const preValidate = async (root: string): Promise<{ fatal: ErrorItem[]; index: ErrorItem[] }> => {
    const fatal: ErrorItem[] = [];
    if (config.minFreeDiskBytes > 0) {
      await host.makePrivateDir(root);
      const free = await host.freeBytes(root);
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
  };

  const newRecord = (jobId: number, params: ExportParams, root: string, start: Date, trigger: 'api' | 'schedule'): JobRecord => {
    const fromMs = params.fromDateMs ?? Math.floor((start.getTime() - DEFAULT_LOOKBACK_MS) / 60_000) * 60_000;
    return {
      startTime: formatOffsetIso(start),
      completedTime: null,
      cancelledTime: null,
      nodeId: host.nodeId,
      jobId,
      status: 'STARTED',
      config: {
        exportFrom: formatOffsetIso(new Date(fromMs), false),
        forcedExport: params.forceExport,
        schemaVersion: params.schemaVersion ?? activeVersion(),
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
    };
  };

  const activeVersion = () => product.schemaVersions.find((s) => s.status === 'ACTIVE')!.version;

  const checkVersion = (version: number | null) => {
    if (version !== null && !product.schemaVersions.some((s) => s.version === version)) {
      const known = product.schemaVersions.map((s) => s.version).join(', ');
      throw new ValidationError([
        { key: 'invalid.schemaVersion', message: `Cannot export schema version ${version}: this ${product.product} site offers ${known}` },
      ]);
    }
  };

  const startExport = async (params: ExportParams, trigger: 'api' | 'schedule' = 'api'): Promise<JobStatus> => {
    checkVersion(params.schemaVersion);
    if (closing) throw new UnavailableError('Cannot start an export: this node is shutting down');
    const latest = await latestSettled();
    if (isRunning(latest)) throw new ExportRunningError(await view(latest!));
    const root = await rootExportPath();
    const start = host.now();
    let record = newRecord((latest?.jobId ?? 0) + 1, params, root, start, trigger);
    const problems = await preValidate(root);
    if (problems.fatal.length > 0 || (problems.index.length > 0 && !params.forceExport)) {
      record = finish(record, 'FAILED', host.now(), { errors: [...problems.fatal, ...(params.forceExport ? [] : problems.index)] });
    } else if (problems.index.length > 0) {
      record = { ...record, warnings: problems.index };
    }
    created.add(record.jobId);
    if (!(await store.create(record))) {
      const winner = await store.latest();
      // A FAILED record (a scheduled run that could not start) took the id without taking the lock.
      if (winner && isTerminal(winner.status)) return startExport(params, trigger);
      throw new ExportRunningError(await view(winner!));
    }
    if (record.status === 'FAILED') throw new ExportRejectedError(toStatus(record));
    // The next job may already be active when this one's final save returns: only this job lets go of `active`.
    const jobId = record.jobId;
    active = runExport(record, deps, () => {
      if (active?.jobId === jobId) active = null;
    });
    return toStatus(record);
  };

  const recordFailedRun = async (params: ExportParams, at: Date, errors: ErrorItem[]): Promise<JobStatus | null> => {
    for (;;) {
      const latest = await store.latest();
      if (isRunning(latest)) return null;
      const record = finish(newRecord((latest?.jobId ?? 0) + 1, params, await rootExportPath(), at, 'schedule'), 'FAILED', at, { errors });
      if (await store.create(record)) return toStatus(record);
    }
  };

  const cancelExport = async (jobId: number | null) => {
    const target = jobId === null ? await store.latest() : await store.get(jobId);
    if (!target || isTerminal(target.status)) {
      throw new NothingToCancelError(jobId === null ? 'No export is running' : `Job ${jobId} is not running`);
    }
    if (active?.jobId === target.jobId) {
      await active.cancel();
    } else if (isOwnerDead(target)) {
      // Its owner is gone: nothing will finish it, so release the lock here and now.
      await store.save(finish(target, 'CANCELLED', host.now()));
      await host.cleanExportDir(target.exportDir, 'all');
    } else {
      await store.requestCancel(target.jobId);
    }
    return { jobId: target.jobId, status: 'OK' as const, message: `Cancellation of job ${target.jobId} requested` };
  };

  return {
    startExport(params, trigger) {
      const start = startExport(params, trigger);
      const settled = start.catch(() => undefined).finally(() => starting.delete(settled));
      starting.add(settled);
      return start;
    },
    recordFailedRun,
    cancelExport,
    product,
    rootExportPath,
    schemaVersions: () => product.schemaVersions,
    async getStatus() {
      const latest = await latestSettled();
      return latest ? view(latest) : null;
    },
    async history(offset, limit) {
      const page = await store.list(offset, limit);
      return { values: await Promise.all(page.values.map(view)), size: page.size };
    },
    async close() {
      closing = true;
      await Promise.all(starting);
      await active?.shutdown();
      await deps.runner.close();
    },
  };
}
