// The export's files as they grow: bytes per entity, read from the job's directory at each poll. The
// job status's progress moves only when its heartbeat saves it (once a second); the files show each
// chunk as it is written, so the step's response is read from them.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileSample {
  atMs: number;
  /** Bytes written so far per entity (its file's size, partial or complete). */
  bytes: Record<string, number>;
}

/** Sizes of the entity files in `dir` (`<entity>_job<id>_<stamp>.csv`, with or without the partial suffix). */
export async function entityFileBytes(dir: string): Promise<Record<string, number>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: Record<string, number> = {};
  await Promise.all(
    names.map(async (name) => {
      const end = name.indexOf('_job');
      if (end <= 0) return;
      const size = await stat(join(dir, name)).then(
        (s) => s.size,
        () => 0,
      );
      // A completed file is briefly both partial and final: the same bytes, counted once.
      out[name.slice(0, end)] = Math.max(out[name.slice(0, end)] ?? 0, size);
    }),
  );
  return out;
}

/** Rows written by each sample, each entity's bytes at its rows per byte. */
export function rowsOfSamples(samples: FileSample[], rowsPerByte: Record<string, number>): { atMs: number; rows: number }[] {
  return samples.map((s) => ({ atMs: s.atMs, rows: Object.entries(s.bytes).reduce((sum, [name, bytes]) => sum + bytes * (rowsPerByte[name] ?? 0), 0) }));
}

export const rowsPerByteOf = (entities: Record<string, { rows: number; bytes: number }>) =>
  Object.fromEntries(Object.entries(entities).map(([name, e]) => [name, e.bytes > 0 ? e.rows / e.bytes : 0]));
