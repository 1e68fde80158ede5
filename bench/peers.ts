// The database's own fastest text dumps of the rows Sluice exports, run the way Sluice runs its
// entities (all five at once), so their wall time compares with Sluice's total time.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ServerAddress } from './seed.ts';

export interface PeerResult {
  seconds: number;
  /** Each entity's own dump time. */
  entities: Record<string, number>;
}

async function timed(queries: Record<string, string>, dump: (entity: string, sql: string) => Promise<void>): Promise<PeerResult> {
  const started = performance.now();
  const times: Record<string, number> = {};
  await Promise.all(
    Object.entries(queries).map(async ([entity, sql]) => {
      const t0 = performance.now();
      await dump(entity, sql);
      times[entity] = (performance.now() - t0) / 1000;
    }),
  );
  return { seconds: (performance.now() - started) / 1000, entities: times };
}

/** `mariadb --batch --quick`: rows streamed to a file as tab-separated text. */
export async function mariadbBatch(server: ServerAddress, database: string, queries: Record<string, string>): Promise<PeerResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-peer-'));
  try {
    return await timed(
      queries,
      (entity, sql) =>
        new Promise<void>((resolve, reject) => {
          const args = ['--batch', '--quick', '-h', server.host, '-P', String(server.port), '-u', server.user, database, '-e', sql];
          if (server.password) args.push(`-p${server.password}`);
          const out = `${join(dir, entity)}.tsv`;
          const child = spawn('sh', ['-c', 'exec "$0" "$@" > "$OUT"', 'mariadb', ...args], {
            env: { ...process.env, OUT: out },
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let errors = '';
          child.stderr!.on('data', (d) => (errors += d));
          child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`Cannot dump ${entity} with mariadb --batch: ${errors}`))));
        }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `SELECT … INTO OUTFILE`: the server writes the file itself, with no client in the way. */
export async function intoOutfile(server: ServerAddress, database: string, queries: Record<string, string>): Promise<PeerResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-outfile-'));
  // The server process writes here under its own user.
  await chmod(dir, 0o777);
  try {
    return await timed(queries, async (entity, sql) => {
      const conn = await connect(server, database);
      try {
        await conn.query(`${sql} INTO OUTFILE '${join(dir, entity)}.tsv'`);
      } finally {
        await conn.end();
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
