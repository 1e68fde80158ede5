// One export through the REST API, watched until it completes: per-entity rows, bytes and durations
// from the job's statistics, and a timeline of rows written for the chart.
import { join } from 'node:path';
import { entityFileBytes, type FileSample, rowsOfSamples, rowsPerByteOf } from './export-files.ts';
import { FROM_DATE, type SluiceServer } from './sluice-process.ts';

export interface EntityResult {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  mbPerSecond: number;
}

/** What the job status says an entity's export cost in CPU (null where it could not be measured). */
export interface EntityCpu {
  sluiceMs: number | null;
  databaseMs: number | null;
}

export interface ExportResult {
  jobId: number;
  entities: Record<string, EntityResult>;
  totalSeconds: number;
  /** Wall-clock start and end (epoch ms), to line the export up with the foreground workload. */
  startMs: number;
  endMs: number;
  /** Total rows written so far as the job status showed them, sampled while the export ran (moves once a second). */
  timeline: { atMs: number; rows: number }[];
  /** Total rows written so far as the files showed them (each entity's bytes at its final rows per byte): every chunk as it lands. */
  written: { atMs: number; rows: number }[];
  /** Per entity, the CPU the final job status reports (`progress.<entity>.cpu`), or null when it reports none. */
  entityCpu: Record<string, EntityCpu | null>;
  /** Governor states seen in the job status (chunk size, rate, share, pauses) for the record. */
  pauses: string[];
  /** What the governor measured, as the job status's `pacing` showed it at each poll of a governed export. */
  governor: GovernorSample[];
  /** The export was cancelled at its watcher's deadline: its entities are what it had written by then. */
  cut: boolean;
}

/** One poll's `pacing` of a governed export, for the record (the JSON's rounds) and the round's line. */
export interface GovernorSample {
  /** Epoch ms in an export's result; ms since the export started in the JSON's `perRound`. */
  atMs: number;
  state: string;
  pace: number;
  slowdown: number | null;
  cpuSlowdown: number | null;
  idleCores: number | null;
  reason: string | null;
}

/** Cancels an export from `atMs()` on (epoch ms; null while there is no deadline); its files are read at `rowsPerByte` (a finished export's). */
export interface Cut {
  atMs: () => number | null;
  rowsPerByte: Record<string, number>;
}

/**
 * `onPoll` hears each poll: the progress's rows and the files' bytes so far (the step load starts its
 * workload from them). With a `cut`, the export is cancelled at its deadline, and its result is what it
 * had written by then.
 */
export async function measureExport(
  server: SluiceServer,
  pollMs: number,
  onPoll?: (progressRows: number, files: FileSample) => void,
  cut?: Cut,
): Promise<ExportResult> {
  const started = await server.api(`/export?fromDate=${FROM_DATE}`, { method: 'POST' });
  if (started.status !== 202) throw new Error(`Cannot start the benchmark export: ${started.status} ${JSON.stringify(started.body)}`);
  const timeline: { atMs: number; rows: number }[] = [];
  const files: FileSample[] = [];
  const dir = join(server.exportRoot, String(started.body.jobId));
  const pauses = new Set<string>();
  const governor: ExportResult['governor'] = [];
  let cutShort = false;
  let lastProgress: Record<string, { rows: number }> = {};
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const { body } = await server.api('/export');
    const progress = Object.values(body.progress ?? {}) as { rows: number; governor?: { reason: string | null } }[];
    const sample = { atMs: Date.now(), rows: progress.reduce((sum, p) => sum + p.rows, 0) };
    timeline.push(sample);
    const written = { atMs: Date.now(), bytes: await entityFileBytes(dir) };
    files.push(written);
    onPoll?.(sample.rows, written);
    for (const p of progress) if (p.governor?.reason) pauses.add(p.governor.reason);
    const pacing = body.pacing;
    if (pacing?.state)
      governor.push({
        atMs: sample.atMs,
        state: pacing.state,
        pace: pacing.pace,
        slowdown: pacing.slowdown ?? null,
        cpuSlowdown: pacing.cpuSlowdown ?? null,
        idleCores: pacing.idleCores ?? null,
        reason: pacing.reason ?? null,
      });
    if (body.status === 'STARTED') lastProgress = body.progress ?? {};
    const deadline = cut?.atMs() ?? null;
    if (body.status === 'STARTED' && !cutShort && deadline !== null && sample.atMs >= deadline) {
      cutShort = true;
      const cancelled = await server.api('/export', { method: 'DELETE' });
      if (cancelled.status >= 400) throw new Error(`Cannot cut the benchmark export short: ${cancelled.status} ${JSON.stringify(cancelled.body)}`);
    }
    if (body.status === 'STARTED' || body.status === 'CANCELLATION_REQUESTED') continue;
    if (cut && cutShort && body.status === 'CANCELLED')
      return { ...resultOf(body, timeline, files, [...pauses], { progress: lastProgress, rowsPerByte: cut.rowsPerByte }), governor, cut: true };
    if (body.status !== 'COMPLETED') throw new Error(`The benchmark export ended ${body.status}: ${JSON.stringify(body.errors)}`);
    return { ...resultOf(body, timeline, files, [...pauses], null), governor, cut: false };
  }
}

/** What a finished export wrote; a cut one (`cut`) has no statistics, and counts its entities' last progress before the cut over the whole span. */
function resultOf(
  body: any,
  timeline: ExportResult['timeline'],
  files: FileSample[],
  pauses: string[],
  cut: { progress: Record<string, { rows: number }>; rowsPerByte: Record<string, number> } | null,
): Omit<ExportResult, 'governor' | 'cut'> {
  const startMs = Date.parse(body.startTime);
  const endMs = Date.parse(body.completedTime);
  const totalSeconds = (endMs - startMs) / 1000;
  const entities: Record<string, EntityResult> = {};
  const stats = cut
    ? Object.entries(cut.progress).map(([name, p]) => [name, { rows: p.rows, bytes: 0, durationMs: totalSeconds * 1000 }] as const)
    : (Object.entries(body.statistics.entities) as [string, { rows: number; bytes: number; durationMs: number }][]);
  for (const [name, e] of stats) {
    const seconds = e.durationMs / 1000;
    entities[name] = {
      rows: e.rows,
      bytes: e.bytes,
      seconds,
      rowsPerSecond: seconds > 0 ? e.rows / seconds : 0,
      mbPerSecond: seconds > 0 ? e.bytes / 1e6 / seconds : 0,
    };
  }
  const rows = Object.values(entities).reduce((sum, e) => sum + e.rows, 0);
  timeline.push({ atMs: endMs, rows });
  const entityCpu = Object.fromEntries(Object.keys(entities).map((name) => [name, parseEntityCpu(body.progress?.[name]?.cpu)]));
  const rowsPerByte = cut?.rowsPerByte ?? rowsPerByteOf(entities);
  const written = [{ atMs: startMs, rows: 0 }, ...rowsOfSamples(files, rowsPerByte).filter((s) => s.atMs > startMs && s.atMs < endMs)];
  // The files may be ahead of a cut export's progress (saved once a second).
  written.push({ atMs: endMs, rows: Math.max(rows, written[written.length - 1].rows) });
  return { jobId: body.jobId, entities, totalSeconds, startMs, endMs, timeline, written, entityCpu, pauses };
}

const msOrNull = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function parseEntityCpu(cpu: unknown): EntityCpu | null {
  if (typeof cpu !== 'object' || cpu === null) return null;
  const { sluiceMs, databaseMs } = cpu as Record<string, unknown>;
  return { sluiceMs: msOrNull(sluiceMs), databaseMs: msOrNull(databaseMs) };
}
