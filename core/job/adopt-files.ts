// A resumed job takes the interrupted job's files over: each entity's file moves into the new job's directory
// under the new job's name, a .partial is cut back to its checkpoint, and what does not match its checkpoint
// starts over. Every step leaves each file under one name or the other, so a crash half way leaves the next
// resume able to find it: the job's record lists where the files may still be (carriedFrom, newest first).
import type { Host } from './ports.ts';
import { fileNameOf, type Checkpoint, type FileSource, type JobRecord } from './status.ts';
import { PARTIAL_SUFFIX } from './task.ts';

export type AdoptHost = Pick<Host, 'joinPath' | 'fileSize' | 'moveFile' | 'truncateFile' | 'removeFile' | 'cleanExportDir'>;

/**
 * Moves the files of `record.carriedFrom` in for `entities` and removes the leftover directories; answers each
 * entity's checkpoint to carry on from (done: finished), or null where it starts over.
 */
export async function adoptFiles(record: JobRecord, entities: readonly string[], host: AdoptHost): Promise<Record<string, Checkpoint | null>> {
  const adopted: Record<string, Checkpoint | null> = {};
  for (const entity of entities) adopted[entity] = await adoptEntity(record, entity, host);
  for (const dir of record.discard ?? []) if (dir !== record.exportDir) await host.cleanExportDir(dir, 'all');
  return adopted;
}

async function adoptEntity(record: JobRecord, entity: string, host: AdoptHost): Promise<Checkpoint | null> {
  const checkpoint = record.checkpoints?.[entity];
  if (!checkpoint) return null;
  const found = await findFile(entity, checkpoint, record.carriedFrom ?? [], host);
  if (found === null) return null;
  const finalPath = host.joinPath(record.exportDir, fileNameOf(entity, record.jobId, record.fileStamp));
  const target = checkpoint.done ? finalPath : finalPath + PARTIAL_SUFFIX;
  await host.moveFile(found, target);
  const size = await host.fileSize(target);
  if (checkpoint.done && size === checkpoint.bytes) return checkpoint;
  if (!checkpoint.done && size !== null && size >= checkpoint.bytes) {
    await host.truncateFile(target, checkpoint.bytes);
    return checkpoint;
  }
  // Shorter than its checkpoint (the journal claims bytes the disk lost), or a finished file of another length.
  await host.removeFile(target);
  return null;
}

/**
 * Where an entity's file is, newest job first. A finished entity's is its final file. An unfinished one's is
 * its .partial, or its final file: an entity may finish after its last checkpoint was saved, and the finished
 * file begins with the same bytes.
 */
async function findFile(entity: string, checkpoint: Checkpoint, sources: readonly FileSource[], host: AdoptHost): Promise<string | null> {
  for (const source of sources) {
    const finalPath = host.joinPath(source.dir, fileNameOf(entity, source.jobId, source.fileStamp));
    for (const path of checkpoint.done ? [finalPath] : [finalPath + PARTIAL_SUFFIX, finalPath]) {
      if ((await host.fileSize(path)) !== null) return path;
    }
  }
  return null;
}
