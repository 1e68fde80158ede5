// What the kernel needs from the outside world; adapters/ implements each for a runtime.
import type { JobRecord } from './status.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { ControlMessage, EntityOutcome, EntityTask, ProgressReport } from './task.ts';

/** The journal on the shared home. Creating a job is the lock: it succeeds only for a new id. */
export interface JobStore extends SettingsStore {
  latest(): Promise<JobRecord | null>;
  get(jobId: number): Promise<JobRecord | null>;
  /** Newest first. */
  list(offset: number, limit: number): Promise<{ values: JobRecord[]; size: number }>;
  /** Writes a new job atomically; false when a job with that id exists already (another node won). */
  create(record: JobRecord): Promise<boolean>;
  /** Replaces a job's record atomically (temp file, fsync, rename). */
  save(record: JobRecord): Promise<void>;
  requestCancel(jobId: number): Promise<void>;
  isCancelRequested(jobId: number): Promise<boolean>;
}

export interface TaskHandle {
  outcome: Promise<EntityOutcome>;
  send(message: ControlMessage): void;
}

/** Runs entity tasks (Piscina threads, or in-process for the embedded demo). */
export interface EntityRunner {
  start(task: EntityTask, onProgress: (report: ProgressReport) => void): TaskHandle;
  close(): Promise<void>;
}

export interface Host {
  readonly nodeId: string;
  readonly pid: number;
  now(): Date;
  /** Free bytes on the file system holding `path`, or null when unknown. */
  freeBytes(path: string): Promise<number | null>;
  /** Creates the directory (and parents) with mode 0700. */
  makePrivateDir(path: string): Promise<void>;
  /** Removes a job directory's files: unfinished ones, or all. */
  cleanExportDir(path: string, what: 'partials' | 'all'): Promise<void>;
  /** A file's size in bytes; null when there is no such file. */
  fileSize(path: string): Promise<number | null>;
  /** Gives a file a new name, never replacing another file (copied across file systems), and syncs the move. */
  moveFile(from: string, to: string): Promise<void>;
  /** Cuts a file back to `bytes` and syncs it. */
  truncateFile(path: string, bytes: number): Promise<void>;
  removeFile(path: string): Promise<void>;
  /** The bytes of the files in a directory; 0 when there is no such directory. */
  dirBytes(path: string): Promise<number>;
  isLocalProcessAlive(pid: number): boolean;
  readText(path: string): Promise<string | null>;
  joinPath(...parts: string[]): string;
}
