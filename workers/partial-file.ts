// An entity's `.partial` file and its checkpoints. The file is written at explicit offsets from where this
// export knows it ends, never at the descriptor's position, and checks before each write that its path
// still names it: a node that looked dead and wakes up after another node resumed its job (and moved the
// file away) stops at its next chunk instead of writing into the file the other node now carries on.
import { link, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import type { Checkpoint } from '../core/job/status.ts';

// A checkpoint syncs the file first (fdatasync); once a second is what the heartbeat saves anyway.
export const CHECKPOINT_MS = 1000;

/** The file's path no longer names the file this export writes: another node took the job over. */
export class FileTakenOver extends Error {
  constructor(path: string) {
    super(`Cannot go on writing ${path}: the file was moved away (another node resumed the job)`);
    this.name = 'FileTakenOver';
  }
}

export interface PartialFile {
  /** Bytes written: the file's length as this export knows it. */
  readonly length: number;
  append(data: Uint8Array): Promise<void>;
  datasync(): Promise<void>;
  close(): Promise<void>;
  /** Cuts off anything past `length`, syncs and closes the file, then gives it its final name (never over an existing file). */
  finish(finalPath: string): Promise<void>;
}

/**
 * Creates the file (`resumeAt` null), or opens one a resumed job moved in and cut back to its checkpoint
 * (anything past it is cut off again; a file shorter than its checkpoint is refused).
 */
export async function openPartial(path: string, resumeAt: number | null): Promise<PartialFile> {
  const handle = await open(path, resumeAt === null ? 'wx' : 'r+', 0o600);
  let identity: { ino: bigint; dev: bigint };
  try {
    const info = await handle.stat({ bigint: true });
    identity = { ino: info.ino, dev: info.dev };
    if (resumeAt !== null && info.size < BigInt(resumeAt)) {
      throw Object.assign(new Error(`Cannot resume ${path}: it holds ${info.size} bytes, fewer than its checkpoint's ${resumeAt}`), { code: 'ESHORT' });
    }
    if (resumeAt !== null && info.size > BigInt(resumeAt)) await handle.truncate(resumeAt);
  } catch (error) {
    await handle.close();
    throw error;
  }
  let length = resumeAt ?? 0;
  const stillOurs = async () => {
    const now = await stat(path, { bigint: true }).catch(() => null);
    if (!now || now.ino !== identity.ino || now.dev !== identity.dev) throw new FileTakenOver(path);
  };
  return {
    get length() {
      return length;
    },
    async append(data) {
      await stillOurs();
      await writeAll(handle, data, length);
      length += data.length;
    },
    datasync: () => handle.datasync(),
    close: () => handle.close(),
    async finish(finalPath) {
      await stillOurs();
      await handle.truncate(length);
      await handle.sync();
      await handle.close();
      // link() refuses to replace an existing file, so a finished file is never overwritten.
      await link(path, finalPath);
      await unlink(path);
    },
  };
}

/** Where the export stands: the last key written and the counts up to it. */
export interface Position {
  after: string | null;
  rows: number;
  scanned: number;
}

export interface Checkpoints {
  /** The latest checkpoint, whose bytes are on disk. */
  readonly last: Checkpoint | undefined;
  /** After a chunk is written: syncs the file and takes a checkpoint at `at`, when the last one is CHECKPOINT_MS old. */
  offer(at: Position): Promise<void>;
  /** The export stopped: syncs what it wrote up to `at` and answers that checkpoint, or the last one if the sync fails. */
  stopped(at: Position): Promise<Checkpoint | undefined>;
}

/** `first`: the checkpoint a resumed export starts from (on disk already). `elapsedMs`: time spent on the entity over every run. */
export function createCheckpoints(file: PartialFile, first: Checkpoint | undefined, elapsedMs: () => number): Checkpoints {
  let last = first;
  let takenAt = Date.now();
  const take = async (at: Position) => {
    const bytes = file.length;
    await file.datasync();
    last = { after: at.after, rows: at.rows, scanned: at.scanned, bytes, durationMs: elapsedMs() };
    takenAt = Date.now();
  };
  return {
    get last() {
      return last;
    },
    async offer(at) {
      if (Date.now() - takenAt >= CHECKPOINT_MS) await take(at);
    },
    async stopped(at) {
      await take(at).catch(() => undefined);
      return last;
    },
  };
}

/**
 * Writes every byte of `data` at `position`. A write may take only part of what it is given (a nearly full
 * disk does exactly that, without an error); the rest is written after it, so a file never has a hole, and
 * a disk that is really full answers the next write with ENOSPC.
 */
async function writeAll(file: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.length; ) {
    const { bytesWritten } = await file.write(data, done, data.length - done, position + done);
    if (bytesWritten === 0) throw Object.assign(new Error('Cannot write: the file system took no bytes'), { code: 'EIO' });
    done += bytesWritten;
  }
}
