// The kernel's Host port on Node's file system and process APIs (Deno runs these through its node: layer).
import { hostname } from 'node:os';
import { constants } from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, open, readdir, readFile, rm, stat, statfs, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Host } from '../core/job/ports.ts';
import { PARTIAL_SUFFIX } from '../core/job/task.ts';

export function defaultNodeId(): string {
  return hostname();
}

export function createNodeHost(nodeId: string): Host {
  return {
    nodeId,
    pid: process.pid,
    now: () => new Date(),
    async freeBytes(path) {
      try {
        const stats = await statfs(path);
        return Number(stats.bavail) * Number(stats.bsize);
      } catch {
        return null;
      }
    },
    async makePrivateDir(path) {
      await mkdir(path, { recursive: true, mode: 0o700 });
      await chmod(path, 0o700);
    },
    async cleanExportDir(path, what) {
      if (what === 'all') {
        await rm(path, { recursive: true, force: true });
        return;
      }
      const names = await readdir(path).catch(() => [] as string[]);
      await Promise.all(names.filter((n) => n.endsWith(PARTIAL_SUFFIX)).map((n) => rm(join(path, n), { force: true })));
    },
    async fileSize(path) {
      const info = await lstat(path).catch(() => null);
      return info?.isFile() ? info.size : null;
    },
    moveFile,
    async truncateFile(path, bytes) {
      const handle = await open(path, 'r+');
      try {
        await handle.truncate(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async removeFile(path) {
      await rm(path, { force: true });
    },
    async dirBytes(path) {
      const names = await readdir(path).catch(() => [] as string[]);
      const sizes = await Promise.all(
        names.map((name) =>
          lstat(join(path, name)).then(
            (info) => (info.isFile() ? info.size : 0),
            () => 0,
          ),
        ),
      );
      return sizes.reduce((sum, size) => sum + size, 0);
    },
    isLocalProcessAlive(pid) {
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    readText: (path) => readFile(path, 'utf8').catch(() => null),
    joinPath: (...parts) => join(...parts),
  };
}

/**
 * link() then unlink(): at every instant the file has one name or both, and an existing file is never replaced
 * (a link already there to the same file is a move a crash interrupted). Across file systems it is copied.
 */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') await copySynced(from, to);
    else if (code !== 'EEXIST' || !(await sameFile(from, to))) throw error;
  }
  await syncDir(dirname(to));
  await unlink(from);
  await syncDir(dirname(from));
}

async function copySynced(from: string, to: string): Promise<void> {
  await copyFile(from, to, constants.COPYFILE_EXCL);
  const handle = await open(to, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([stat(a, { bigint: true }), stat(b, { bigint: true })]);
  return x.ino === y.ino && x.dev === y.dev;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}
