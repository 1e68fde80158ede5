// One entity's export: keyset chunks from the source, CSV to a temporary file, renamed when complete.
// Runs inside a Piscina worker (export-task.ts) or in-process for sources threads cannot reach.
import { link, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { CHUNK_SETTINGS, chunkCpuMs, createChunkSizer } from '../core/pacing/chunk-size.ts';
import { createRateMeter } from '../core/pacing/rate-meter.ts';
import { createCsvWriter, type CsvWriter } from '../core/csv.ts';
import type { Chunk, EntityDef } from '../core/entities/entity.ts';
import { productDef } from '../core/entities/index.ts';
import { errorMessage } from '../core/errors.ts';
import type { Db } from '../core/source.ts';
import type { EntityCpu, GovernorView } from '../core/job/status.ts';
import { PARTIAL_SUFFIX, type EntityOutcome, type EntityTask, type ProgressReport } from '../core/job/task.ts';
import { TaskCancelled, throwIfCancelled } from './cancellation.ts';
import { withRetries, type RetryingSource } from './retry.ts';
import type { TaskControl } from './task-control.ts';

// The rate shown in the job status covers this much recent time.
const RATE_WINDOW_MS = 10_000;

interface ChunkRead {
  limit: number;
  timed: Promise<{ chunk: Chunk; queryMs: number; dbCpuMs: number | null }>;
}

type ReadChunk = (from: string | null, limit: number) => ChunkRead;

interface Written {
  rows: number;
  scanned: number;
  bytes: number;
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
  const file = await open(partialPath, 'wx', 0o600);
  const pacer = createChunkPacer(task, control, started, report);
  const source = withRetries(openDb, control.signal);
  try {
    const csv = createCsvWriter(task.lineBreak);
    const header = await writeAll(file, csv.header(entity.columns(task.ctx.schemaVersion)));
    const written = await exportChunks(file, csv, chunkReader(source, entity, task), pacer, control.signal, header);
    await file.sync();
    await file.close();
    // link() refuses to replace an existing file, so a finished file is never overwritten.
    await link(partialPath, finalPath);
    await unlink(partialPath);
    return { ok: true, ...written, durationMs: Date.now() - started, file: task.fileName };
  } catch (error) {
    await file.close().catch(() => undefined);
    await unlink(partialPath).catch(() => undefined);
    return failure(error, task.entity);
  } finally {
    await source.close();
  }
}

/** The keyset chunk loop: reads from the last key, writes the rows, rests as the pacer says (which reports). */
async function exportChunks(file: FileHandle, csv: CsvWriter, read: ReadChunk, pacer: ChunkPacer, signal: AbortSignal, headerBytes: number): Promise<Written> {
  const written: Written = { rows: 0, scanned: 0, bytes: headerBytes };
  let after: string | null = null;
  let pending: ChunkRead | null = null;
  for (;;) {
    throwIfCancelled(signal);
    const current: ChunkRead = pending ?? read(after, pacer.chunkRows());
    pending = null;
    const { chunk, queryMs, dbCpuMs } = await current.timed;
    const more = chunk.scanned >= current.limit;
    after = chunk.lastKey ?? after;
    if (pacer.readsAhead() && more) pending = read(after, pacer.chunkRows());
    const processStart = performance.now();
    const bytes = chunk.rows.length === 0 ? 0 : await writeAll(file, csv.rows(chunk.rows));
    written.rows += chunk.rows.length;
    written.scanned += chunk.scanned;
    written.bytes += bytes;
    const costMs = pacer.record({ rows: chunk.rows.length, scanned: chunk.scanned, bytes, queryMs, dbCpuMs, processStart }, written);
    if (!more) return written;
    await pacer.rest(costMs);
  }
}

/** Reads one chunk through the retrying source, timing only the attempt that succeeded. */
function chunkReader(source: RetryingSource, entity: EntityDef, task: EntityTask): ReadChunk {
  return (from, limit) => {
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
}

interface ChunkCost {
  rows: number;
  scanned: number;
  bytes: number;
  queryMs: number;
  dbCpuMs: number | null;
  /** performance.now() when this thread began writing the chunk. */
  processStart: number;
}

type ChunkPacer = ReturnType<typeof createChunkPacer>;

/**
 * The pacing of one entity's chunks, all of it: how many rows the next read asks for, whether it is read while
 * this one is written, what each chunk cost (wall-clock time, or CPU in a fixed share), the rest after it (its
 * duty cycle, and any hold, core/pacing/entity-pace.ts), and what its progress shows.
 */
function createChunkPacer(task: EntityTask, control: TaskControl, started: number, report: (progress: ProgressReport) => void) {
  const { pace } = control;
  const sizer = createChunkSizer({ ...CHUNK_SETTINGS, targetChunkMs: control.targetChunkMs ?? CHUNK_SETTINGS.targetChunkMs });
  const rate = createRateMeter(RATE_WINDOW_MS, started);
  const cpu = createCpuAccount(control);
  let processCpu = control.cpuSinceMs ?? control.processCpuMs?.() ?? null;
  let last: Written = { rows: 0, scanned: 0, bytes: 0 };
  const view = (): GovernorView => {
    const { dutyCycle, hold, reason } = pace.current;
    return { chunkRows: sizer.rows, rowsPerSecond: rate.perSecond(Date.now()), dutyCycle, paused: hold, reason };
  };
  const show = () => report({ rows: last.rows, bytes: last.bytes, governor: view(), cpu: cpu.spent() });
  // A hold shows at once: a holding entity reads no chunks, so it would otherwise report nothing.
  pace.onUpdate(show);
  return {
    chunkRows: () => sizer.rows,
    /** At full speed the next chunk is read while this one is written: the database and this thread work at once. */
    readsAhead: (): boolean => pace.current.dutyCycle >= 1 && !pace.current.hold,
    /** Records a chunk and shows it; returns what it cost, as the plan counts cost. */
    record(cost: ChunkCost, written: Written): number {
      const wallMs = cost.queryMs + (performance.now() - cost.processStart);
      const processNow = control.processCpuMs?.() ?? null;
      const processMs = processNow === null || processCpu === null ? null : processNow - processCpu;
      processCpu = processNow;
      cpu.add(cost.dbCpuMs);
      sizer.record(cost.scanned, cost.bytes, cost.queryMs, pace.current.dutyCycle < 1);
      rate.add(cost.rows, Date.now());
      last = { ...written };
      show();
      if (task.pacing.costBasis === 'wall') return wallMs;
      return chunkCpuMs(processMs, cost.dbCpuMs, pace.current.dutyCycle, task.pacing.budgetCores) ?? wallMs;
    },
    rest: (costMs: number): Promise<void> => pace.rest(costMs, control.signal),
  };
}

/** The CPU an entity has cost: its thread's since the task began, and the database's for its queries. */
function createCpuAccount(control: TaskControl) {
  const threadStart = control.threadCpuMs?.() ?? null;
  let databaseMs: number | null = 0;
  return {
    add(chunkDatabaseMs: number | null) {
      databaseMs = databaseMs === null || chunkDatabaseMs === null ? null : databaseMs + chunkDatabaseMs;
    },
    spent(): EntityCpu {
      const now = control.threadCpuMs?.() ?? null;
      return { sluiceMs: now === null || threadStart === null ? null : now - threadStart, databaseMs };
    },
  };
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
  if (error instanceof TaskCancelled) return { ok: false, code: 'cancelled', message: `Cancelled while exporting ${entity}` };
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return { ok: false, code: 'disk', message: `Cannot write ${entity}: the disk is full` };
  if (code === 'EEXIST' || code === 'EACCES' || code === 'EROFS')
    return { ok: false, code: 'file', message: `Cannot write the ${entity} file: ${errorMessage(error)}` };
  return { ok: false, code: 'source', message: `Cannot export ${entity}: ${errorMessage(error)}` };
}
