// What the configuration, history and console routes need besides the kernel.
import type { Kernel } from '../job/kernel.ts';
import type { JobStore } from '../job/ports.ts';

/** The export root and finished files on disk: implemented per runtime in adapters/. */
export interface ExportFiles {
  /** Why `path` cannot be the export root (missing, not a directory, not writable, a symlink), or null. */
  checkExportRoot(path: string): Promise<string | null>;
  /** A regular file named `name` directly inside `dir` (no link leading out of it), or null. */
  openJobFile(dir: string, name: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null>;
}

export interface RouteDeps {
  kernel: Kernel;
  store: JobStore;
  files: ExportFiles;
  /** The server's zone: schedules run on its wall clock. */
  zone: string;
  now: () => number;
}
