// One entity's export: keyset chunks from the source, CSV to a temporary file, renamed when complete.
// Runs inside a Piscina worker (export-task.ts) or in-process for sources threads cannot reach. About once
// a second the file is synced and a checkpoint (the last key, the counts, the file's length) reported, which
// the job's heartbeat saves; a resumed entity starts from one. A stopped export leaves its file for a resume.
import { join } from 'node:path';
import { CHUNK_SETTINGS, chunkCpuMs, createChunkSizer } from '../core/pacing/chunk-size.ts';
import { createRateMeter } from '../core/pacing/rate-meter.ts';
import { createCsvWriter, rowCount, type CsvWriter } from '../core/csv.ts';
import type { Chunk, EntityDef } from '../core/entities/entity.ts';
import { entityOf } from '../core/entities/index.ts';
import { errorMessage } from '../core/errors.ts';
import type { Db } from '../core/source.ts';
import type { EntityCpu, GovernorView } from '../core/job/status.ts';
import { PARTIAL_SUFFIX, type EntityOutcome, type EntityTask, type ProgressReport } from '../core/job/task.ts';
import { TaskCancelled, throwIfCancelled } from './cancellation.ts';
import { createCheckpoints, FileTakenOver, openPartial, type Checkpoints, type PartialFile, type Position } from './partial-file.ts';
import { withRetries, type RetryingSource } from './retry.ts';
import { searchable } from './searchable.ts';
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
  const entity = entityOf(task.product, task.entity);
  if (!entity) return { ok: false, code: 'internal', message: `Cannot export unknown entity "${task.entity}"` };
  const started = Date.now();
  const prior = task.resume;
  const elapsedMs = () => (prior?.durationMs ?? 0) + (Date.now() - started);
  const finalPath = join(task.dir, task.fileName);
  let file: PartialFile;
  try {
    file = await openPartial(finalPath + PARTIAL_SUFFIX, prior ? prior.bytes : null);
  } catch (error) {
    return failure(error, task.entity);
  }
  const at: Position = { after: prior?.after ?? null, rows: prior?.rows ?? 0, scanned: prior?.scanned ?? 0 };
  const checkpoints = createCheckpoints(file, prior, elapsedMs);
  const pacer = createChunkPacer(task, control, started, { ...at, bytes: file.length }, (progress) => report({ ...progress, checkpoint: checkpoints.last }));
  const source = withRetries(openDb, control.signal);
  try {
    const csv = createCsvWriter(task.lineBreak, searchable);
    if (!prior) await file.append(csv.header(entity.columns(task.ctx.schemaVersion)));
    await exportChunks({ file, csv, read: chunkReader(source, entity, task), pacer, checkpoints, signal: control.signal }, at);
    await file.finish(finalPath);
    return { ok: true, rows: at.rows, scanned: at.scanned, bytes: file.length, durationMs: elapsedMs(), file: task.fileName };
  } catch (error) {
    // The .partial file stays for a resume, with the checkpoint of what is on disk (nothing, when another node took it over).
    const checkpoint = error instanceof FileTakenOver ? undefined : await checkpoints.stopped(at);
    await file.close().catch(() => undefined);
    return { ...failure(error, task.entity), ...(checkpoint ? { checkpoint } : {}) };
  } finally {
    await source.close();
  }
}

interface ChunkLoop {
  file: PartialFile;
  csv: CsvWriter;
  read: ReadChunk;
  pacer: ChunkPacer;
  checkpoints: Checkpoints;
  signal: AbortSignal;
}

/**
 * The keyset chunk loop: reads from the last key, writes the rows, moves `at` on, offers a checkpoint, and
 * rests as the pacer says (which reports). `at` always describes the file's bytes written so far.
 */
async function exportChunks({ file, csv, read, pacer, checkpoints, signal }: ChunkLoop, at: Position): Promise<void> {
  let pending: ChunkRead | null = null;
  let after = at.after;
  for (;;) {
    throwIfCancelled(signal);
    const current: ChunkRead = pending ?? read(after, pacer.chunkRows());
    pending = null;
    const { chunk, queryMs, dbCpuMs } = await current.timed;
    const more = chunk.scanned >= current.limit;
    after = chunk.lastKey ?? after;
    if (pacer.readsAhead() && more) pending = read(after, pacer.chunkRows());
    const processStart = performance.now();
    const before = file.length;
    const rows = rowCount(chunk.rows);
    if (rows > 0) await file.append(csv.rows(chunk.rows));
    at.after = after;
    at.rows += rows;
    at.scanned += chunk.scanned;
    await checkpoints.offer(at);
    const bytes = file.length - before;
    const costMs = pacer.record({ rows, scanned: chunk.scanned, bytes, queryMs, dbCpuMs, processStart }, { ...at, bytes: file.length });
    if (!more) return;
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
function createChunkPacer(task: EntityTask, control: TaskControl, started: number, first: Written, report: (progress: ProgressReport) => void) {
  const { pace } = control;
  const sizer = createChunkSizer({ ...CHUNK_SETTINGS, targetChunkMs: control.targetChunkMs ?? CHUNK_SETTINGS.targetChunkMs });
  const rate = createRateMeter(RATE_WINDOW_MS, started);
  const cpu = createCpuAccount(control);
  let processCpu = control.cpuSinceMs ?? control.processCpuMs?.() ?? null;
  let last: Written = first;
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
      sizer.record(cost.scanned, cost.bytes, cost.queryMs);
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

function failure(error: unknown, entity: string): Extract<EntityOutcome, { ok: false }> {
  if (error instanceof TaskCancelled) return { ok: false, code: 'cancelled', message: `Cancelled while exporting ${entity}` };
  if (error instanceof FileTakenOver) return { ok: false, code: 'file', message: `Cannot write the ${entity} file: ${error.message}` };
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return { ok: false, code: 'disk', message: `Cannot write ${entity}: the disk is full` };
  if (code === 'EEXIST' || code === 'EACCES' || code === 'EROFS' || code === 'ESHORT')
    return { ok: false, code: 'file', message: `Cannot write the ${entity} file: ${errorMessage(error)}` };
  return { ok: false, code: 'source', message: `Cannot export ${entity}: ${errorMessage(error)}` };
}
