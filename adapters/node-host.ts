// The kernel's Host port on Node's file system and process APIs (Deno runs these through its node: layer).
import { hostname } from 'node:os';
import { chmod, mkdir, readdir, readFile, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
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
