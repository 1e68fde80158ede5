// One entity's export: keyset chunks from the source, CSV to a temporary file, renamed when complete.
// Runs inside a Piscina worker (export-task.ts) or in-process for sources threads cannot reach.
import { link, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { chunkCpuMs, createGovernor, createRateMeter, DEFAULT_GOVERNOR, isLocalDatabase } from '../core/pacing/budget.ts';
import { createCsvWriter } from '../core/csv.ts';
import type { Chunk } from '../core/entities/entity.ts';
import { productDef } from '../core/entities/index.ts';
import { errorMessage } from '../core/errors.ts';
import type { Db } from '../core/source.ts';
import { PARTIAL_SUFFIX, type EntityOutcome, type EntityTask, type ProgressReport } from '../core/job/task.ts';
import { ReadCancelled, withRetries } from './retry.ts';

export interface TaskControl {
  isCancelled(): boolean;
  /** Why the kernel wants this task paused (database under load), or null. */
  pauseReason(): string | null;
  /** This entity's current share of the job's budget (it grows as other entities finish). */
  share?(): number;
  /** A shorter target for each chunk's query, where the export shares its thread with the HTTP API. */
  targetChunkMs?: number;
  /** This process's CPU so far outside the HTTP thread, in ms: with the database's, what the export costs the machine. */
  processCpuMs?(): number | null;
  /** The processCpuMs reading the first chunk is charged from, when earlier than the task's start. */
  cpuSinceMs?: number;
}

// The rate shown in the job status covers this much recent time.
const RATE_WINDOW_MS = 10_000;

class Cancelled extends Error {}

interface ChunkRead {
  limit: number;
  timed: Promise<{ chunk: Chunk; queryMs: number; dbCpuMs: number | null }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps in short slices so a cancel is obeyed within a tenth of a second. */
async function pause(ms: number, control: TaskControl): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until || control.pauseReason() !== null) {
    if (control.isCancelled()) throw new Cancelled();
    await sleep(Math.min(100, Math.max(1, until - Date.now())));
  }
}

export async function runEntityExport(
  task: EntityTask,
  openDb: () => Promise<Db & { close(): Promise<void> }>,
  control: TaskControl,
  report: (progress: ProgressReport) => void,
): Promise<EntityOutcome> {
  const entity = productDef(task.product).entities.find((e) => e.name === task.entity);
  if (!entity) return { ok: false, code: 'internal', message: `Cannot export unknown entity "${task.entity}"` };
  const started = Date.now();
  const finalPath = join(task.dir, task.fileName);
  const partialPath = finalPath + PARTIAL_SUFFIX;
  const csv = createCsvWriter(task.lineBreak);
  const governor = createGovernor({
    ...DEFAULT_GOVERNOR,
    targetChunkMs: control.targetChunkMs ?? DEFAULT_GOVERNOR.targetChunkMs,
    share: task.share,
    sharesHost: isLocalDatabase(task.databaseUrl),
  });
  const rate = createRateMeter(RATE_WINDOW_MS, started);
  const file = await open(partialPath, 'wx', 0o600);
  const source = withRetries(openDb, control.isCancelled);
  let rows = 0,
    scanned = 0,
    bytes = 0,
    after: string | null = null;
  const read = (from: string | null, limit: number): ChunkRead => {
    // Only the attempt that succeeded counts as the chunk's query time: back-off waits and reconnects
    // after a fault are not the site's load, and counted as such they shrink chunks and stretch pauses for minutes.
    let attemptStart = performance.now();
    const timed = source
      .run(async (db) => {
        attemptStart = performance.now();
        const before = db.cpuMs?.() ?? null;
        const chunk = await entity.read(db, task.ctx, from, limit);
        const after = before === null ? null : (db.cpuMs?.() ?? null);
        return { chunk, dbCpuMs: after === null || before === null ? null : after - before };
      }, task.entity)
      .then(({ chunk, dbCpuMs }) => ({ chunk, dbCpuMs, queryMs: performance.now() - attemptStart }));
    // A read still in flight when the export stops must not surface as an unhandled rejection.
    timed.catch(() => undefined);
    return { limit, timed };
  };
  let pending: ChunkRead | null = null;
  let processCpu = control.cpuSinceMs ?? control.processCpuMs?.() ?? null;
  try {
    bytes += await writeAll(file, csv.header(entity.columns(task.ctx.schemaVersion)));
    for (;;) {
      if (control.isCancelled()) throw new Cancelled();
      const current: ChunkRead = pending ?? read(after, governor.chunkRows);
      pending = null;
      const { chunk, queryMs, dbCpuMs } = await current.timed;
      const more = chunk.scanned >= current.limit;
      after = chunk.lastKey ?? after;
      governor.setShare(control.share?.() ?? governor.share);
      // At full speed the next chunk is read while this one is written: the database and this thread work at once.
      if (more && governor.share >= 1 && control.pauseReason() === null) pending = read(after, governor.chunkRows);
      const processStart = performance.now();
      const written = chunk.rows.length === 0 ? 0 : await writeAll(file, csv.rows(chunk.rows));
      rows += chunk.rows.length;
      scanned += chunk.scanned;
      bytes += written;
      const processNow = control.processCpuMs?.() ?? null;
      const processMs = processNow === null || processCpu === null ? null : processNow - processCpu;
      const cpuMs = chunkCpuMs(processMs, dbCpuMs, governor.share, task.budgetCores);
      processCpu = processNow;
      const pauseMs = governor.record({ rows: chunk.scanned, bytes: written, queryMs, processMs: performance.now() - processStart, cpuMs });
      rate.add(chunk.rows.length, Date.now());
      const reason = control.pauseReason();
      report({
        rows,
        bytes,
        governor: { chunkRows: governor.chunkRows, rowsPerSecond: rate.perSecond(Date.now()), share: governor.share, paused: reason !== null, reason },
      });
      if (!more) break;
      await pause(pauseMs, control);
    }
    await file.sync();
    await file.close();
    // link() refuses to replace an existing file, so a finished file is never overwritten.
    await link(partialPath, finalPath);
    await unlink(partialPath);
    return { ok: true, rows, scanned, bytes, durationMs: Date.now() - started, file: task.fileName };
  } catch (error) {
    await file.close().catch(() => undefined);
    await unlink(partialPath).catch(() => undefined);
    return failure(error, task.entity);
  } finally {
    await source.close();
  }
}

/**
 * Writes every byte of `data`. A write may take only part of what it is given (a nearly full disk does
 * exactly that, without an error); the rest is written after it, so a file never has a hole, and a disk
 * that is really full answers the next write with ENOSPC.
 */
async function writeAll(file: FileHandle, data: Uint8Array): Promise<number> {
  for (let done = 0; done < data.length; ) {
    const { bytesWritten } = await file.write(data, done, data.length - done);
    if (bytesWritten === 0) throw Object.assign(new Error('Cannot write: the file system took no bytes'), { code: 'EIO' });
    done += bytesWritten;
  }
  return data.length;
}

function failure(error: unknown, entity: string): EntityOutcome {
  if (error instanceof Cancelled || error instanceof ReadCancelled) return { ok: false, code: 'cancelled', message: `Cancelled while exporting ${entity}` };
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return { ok: false, code: 'disk', message: `Cannot write ${entity}: the disk is full` };
  if (code === 'EEXIST' || code === 'EACCES' || code === 'EROFS')
    return { ok: false, code: 'file', message: `Cannot write the ${entity} file: ${errorMessage(error)}` };
  return { ok: false, code: 'source', message: `Cannot export ${entity}: ${errorMessage(error)}` };
}
