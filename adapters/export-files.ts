// The export root and finished files on the file system, for the configuration and download routes.
import { constants, createReadStream } from 'node:fs';
import { access, lstat, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ExportFiles } from '../core/http/route-deps.ts';

async function whyNotExportRoot(path: string): Promise<string | null> {
  const info = await lstat(path).catch(() => null);
  if (!info) return 'it does not exist';
  if (info.isSymbolicLink()) return 'it is a symbolic link; give the directory it points to';
  if (!info.isDirectory()) return 'it is not a directory';
  // A link higher up would make the files land somewhere other than the path an administrator reads.
  if ((await realpath(path)) !== path) return `it resolves to ${JSON.stringify(await realpath(path))} through a symbolic link; give that path`;
  const writable = await access(path, constants.W_OK | constants.X_OK).then(
    () => true,
    () => false,
  );
  return writable ? null : 'this server cannot write to it';
}

export function createExportFiles(): ExportFiles {
  return {
    checkExportRoot: whyNotExportRoot,
    async openJobFile(dir, name) {
      if (name !== basename(name) || name.startsWith('.') || !name.endsWith('.csv')) return null;
      const path = join(dir, name);
      const [realDir, realFile] = await Promise.all([realpath(dir).catch(() => null), realpath(path).catch(() => null)]);
      if (realDir === null || realFile !== join(realDir, name)) return null;
      const info = await stat(realFile).catch(() => null);
      if (!info?.isFile()) return null;
      const body = Readable.toWeb(createReadStream(realFile)) as ReadableStream<Uint8Array>;
      return { body, size: info.size };
    },
  };
}
