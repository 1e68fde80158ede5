/**
 * Faults the tests inflict on the real database: killing the export's connections from another session,
 * stopping and restarting MariaDB, and a TCP proxy in front of it that can refuse or swallow connections.
 * Whatever a test does, `ensureMariaDbRunning()` in its `after` brings the server back.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);
const HOST = '127.0.0.1';
const PORT = 3306;
const MARIADBD = '/usr/sbin/mariadbd';
// A loaded machine may take a while to flush and stop, or to recover InnoDB and listen again.
const STOP_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 90_000;

async function withAdmin<T>(use: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ host: HOST, port: PORT, user: 'root', password: '', connectTimeout: 5_000 });
  try {
    return await use(conn);
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

export interface DatabaseUser {
  name: string;
  /** DATABASE_URL for the server under test, as this user. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A read-only user of one database: the server under test connects as it, so the process list tells
 * the export's connections apart from the test's own.
 */
export async function createDatabaseUser(database: string, port = PORT): Promise<DatabaseUser> {
  const name = `sluice_f_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (conn) => {
    await conn.query(`CREATE USER ?@? IDENTIFIED BY ''`, [name, HOST]);
    await conn.query(`GRANT SELECT ON \`${database}\`.* TO ?@?`, [name, HOST]);
  });
  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= withAdmin(async (conn) => {
      await conn.query(`DROP USER IF EXISTS ?@?`, [name, HOST]);
    }));
  return { name, url: `mysql://${name}@${HOST}:${port}/${database}`, drop };
}

/** `KILL CONNECTION` of every session `user` has open, from another session; resolves with how many. */
export async function killConnectionsOf(user: string): Promise<number> {
  return withAdmin(async (conn) => {
    const [rows] = await conn.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [user]);
    let killed = 0;
    for (const { id } of rows as { id: number }[]) {
      // A session may end between the SELECT and the KILL: "Unknown thread id" is not a failure here.
      if (
        await conn.query(`KILL CONNECTION ${Number(id)}`).then(
          () => true,
          () => false,
        )
      )
        killed++;
    }
    return killed;
  });
}

export async function isMariaDbAnswering(): Promise<boolean> {
  return withAdmin(async (conn) => {
    await conn.query('SELECT 1');
    return true;
  }).catch(() => false);
}

async function isMariaDbProcessAlive(): Promise<boolean> {
  // start-stop-daemon --status exits 0 while a mariadbd process exists, 3 once none does.
  return run('start-stop-daemon', ['--status', '--exec', MARIADBD]).then(
    () => true,
    () => false,
  );
}

async function until(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Shuts MariaDB down cleanly and waits until its process is gone. */
export async function stopMariaDb(): Promise<void> {
  await run('mariadb-admin', ['-uroot', 'shutdown'], { timeout: STOP_TIMEOUT_MS }).catch(() => undefined);
  await until('mariadbd to exit', STOP_TIMEOUT_MS, async () => !(await isMariaDbProcessAlive()));
}

/** Starts MariaDB as the machine's daemon and waits until it answers queries. */
export async function startMariaDb(): Promise<void> {
  // --oknodo would do nothing while a stopping server's process still exists: wait for it to be gone.
  await until('a stopping mariadbd to exit', STOP_TIMEOUT_MS, async () => (await isMariaDbAnswering()) || !(await isMariaDbProcessAlive()));
  if (!(await isMariaDbAnswering())) await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', MARIADBD]);
  await until('MariaDB to answer', START_TIMEOUT_MS, isMariaDbAnswering);
}

/** For `after`: leaves MariaDB running whatever the test did to it. */
export async function ensureMariaDbRunning(): Promise<void> {
  if (!(await isMariaDbAnswering())) await startMariaDb();
}

export type ProxyMode = 'pass' | 'refuse' | 'reset' | 'blackhole';

export interface TcpProxy {
  port: number;
  /**
   * pass: forward to MariaDB; refuse: nothing listens (ECONNREFUSED) and open connections drop;
   * reset: connections are accepted and dropped at once, open ones too (counted in `accepted`);
   * blackhole: connections open but nothing gets through either way, open ones included (a silent network).
   */
  setMode(mode: ProxyMode): Promise<void>;
  /** Connections accepted so far: in `reset` mode, how many times a client tried to reconnect. */
  accepted(): number;
  /** Drops every open connection, as a network failure would. */
  cutAll(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy in front of MariaDB, for outages that must not disturb the real server. */
export async function createTcpProxy(target = { host: HOST, port: PORT }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let mode: ProxyMode = 'pass';
  let accepted = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket)).on('error', () => socket.destroy());
  };
  // Bytes are forwarded one by one rather than piped, so a blackhole swallows them on open connections too.
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (data) => (mode === 'pass' ? to.write(data) : undefined));
    from.on('close', () => to.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    accepted++;
    if (mode === 'reset') return void client.destroy();
    // A new connection into a blackhole never reaches the database, so nothing on the far side times it out.
    if (mode === 'blackhole') return;
    const upstream = connect(target.port, target.host);
    track(upstream);
    forward(client, upstream);
    forward(upstream, client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject).listen(port, HOST, () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const port = await listen(0);
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port,
    cutAll,
    accepted: () => accepted,
    async setMode(next) {
      mode = next;
      if (next === 'refuse' || next === 'reset') cutAll();
      if (next === 'refuse') {
        await stopListening();
      } else if (!server.listening) {
        await listen(port);
      }
    },
    async close() {
      cutAll();
      await stopListening();
    },
  };
}
