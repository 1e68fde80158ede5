// The database's own fastest text dumps of the rows Sluice exports, run the way Sluice runs its
// entities (all five at once), so their wall time compares with Sluice's total time.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ServerAddress } from './seed.ts';
import { POSTGRES } from './seed-postgres.ts';

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

/** A database's own dump, and the most Sluice's time may be as a multiple of it. */
export interface Peer {
  label: string;
  target: number;
  dump(server: ServerAddress, database: string, queries: Record<string, string>): Promise<PeerResult>;
}

/** Runs a command line per entity with its output in a file, all entities at once. */
async function clientDumps(queries: Record<string, string>, command: (sql: string) => { file: string; args: string[]; env?: Record<string, string> }) {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-peer-'));
  try {
    return await timed(
      queries,
      (entity, sql) =>
        new Promise<void>((resolve, reject) => {
          const { file, args, env } = command(sql);
          const child = spawn('sh', ['-c', 'exec "$0" "$@" > "$OUT"', file, ...args], {
            env: { ...process.env, ...env, OUT: `${join(dir, entity)}.tsv` },
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let errors = '';
          child.stderr!.on('data', (d) => (errors += d));
          child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`Cannot dump ${entity} with ${file}: ${errors}`))));
        }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `mariadb --batch --raw --quick`: rows streamed to a file as tab-separated text, nothing escaped. */
export function mariadbBatch(server: ServerAddress, database: string, queries: Record<string, string>): Promise<PeerResult> {
  return clientDumps(queries, (sql) => {
    const args = ['--batch', '--raw', '--quick', '-h', server.host, '-P', String(server.port), '-u', server.user, database, '-e', sql];
    if (server.password) args.push(`-p${server.password}`);
    return { file: 'mariadb', args };
  });
}

/** `psql -c "COPY (…) TO STDOUT"`: the server formats the rows itself, the client only copies them to the file. */
export function psqlCopy(_server: ServerAddress, database: string, queries: Record<string, string>): Promise<PeerResult> {
  return clientDumps(queries, (sql) => ({
    file: 'psql',
    args: ['-q', '-h', POSTGRES.host, '-p', String(POSTGRES.port), '-U', POSTGRES.user, '-d', database, '-c', `COPY (${sql}) TO STDOUT`],
  }));
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

// The targets: at most the time of the client's plain dump, at most 1.5× the server writing the file itself.
export const MARIADB_PEERS: Peer[] = [
  { label: 'mariadb --batch --raw', target: 1, dump: mariadbBatch },
  { label: 'SELECT … INTO OUTFILE', target: 1.5, dump: intoOutfile },
];
export const POSTGRES_PEERS: Peer[] = [{ label: 'psql COPY … TO STDOUT', target: 1, dump: psqlCopy }];
