// The site's users, as a separate process. Closed loop: a fixed number of connections, each running
// operations back to back (no think time, so any capacity the export takes shows up as lost
// throughput). Open loop: operations arrive at a fixed average rate whatever the site does, and each
// one's latency runs from its scheduled arrival, so waiting for the database counts (no coordinated
// omission). Reports every completed operation's latency to the parent four times a second.
import mysql from 'mysql2/promise';
import { oltpReadOnly, type OtherTables } from './sysbench-ops.ts';
import { CONFLUENCE_OPS, ID_QUERIES, JIRA_OPS, type Ids, type Operation } from './workload-ops.ts';

const TICK_MS = 250;
// A user whose page failed tries again after a moment.
const ERROR_PAUSE_MS = 200;

export type WorkloadOps = { kind: 'site'; product: 'confluence' | 'jira' } | ({ kind: 'other' } & OtherTables);
export type WorkloadMode = { kind: 'closed'; concurrency: number } | { kind: 'open'; rate: number; connections: number };
export interface WorkloadSpec {
  url: string;
  ops: WorkloadOps;
  mode: WorkloadMode;
}

type Run = (conn: mysql.PoolConnection) => Promise<unknown>;

function pick(ops: Operation[]): Operation {
  let r = Math.random();
  for (const op of ops) if ((r -= op.weight) < 0) return op;
  return ops[0];
}

async function operationOf(pool: mysql.Pool, spec: WorkloadOps): Promise<Run> {
  if (spec.kind === 'other') return (conn) => oltpReadOnly(conn, spec);
  const column = async (sql: string) => ((await pool.query(sql))[0] as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));
  const queries = ID_QUERIES[spec.product];
  const ids: Ids = { items: await column(queries.items), containers: await column(queries.containers), users: await column(queries.users) };
  const ops = spec.product === 'jira' ? JIRA_OPS : CONFLUENCE_OPS;
  return (conn) => pick(ops).run(conn, ids);
}

interface Counters {
  latencies: number[];
  /** Open loop: each operation's wait from its arrival to its start (the client's timers and free connections). */
  waits: number[];
  errors: number;
  /** Open loop: operations that arrived while every connection was busy (queued in the client, not the database). */
  clientQueued: number;
}

/** One connection's user: takes the next operation (a scheduled arrival time, or now) until stopped. */
async function user(
  pool: mysql.Pool,
  run: Run,
  next: () => Promise<number | null>,
  counters: Counters,
  running: () => boolean,
  openLoop = false,
): Promise<void> {
  while (running()) {
    try {
      const conn = await pool.getConnection();
      try {
        for (let start = await next(); start !== null; start = await next()) {
          if (openLoop) counters.waits.push(performance.now() - start);
          await run(conn);
          counters.latencies.push(performance.now() - start);
        }
        return;
      } finally {
        conn.release();
      }
    } catch {
      // A lost connection (a restarted server) costs the site too: counted, then the user retries.
      counters.errors++;
      await new Promise((resolve) => setTimeout(resolve, ERROR_PAUSE_MS));
    }
  }
}

/** Starts the users; the returned function stops them and resolves once they have. */
function start(pool: mysql.Pool, run: Run, mode: WorkloadMode, counters: Counters): () => Promise<void> {
  let running = true;
  const isRunning = () => running;
  if (mode.kind === 'closed') {
    const users = Array.from({ length: mode.concurrency }, () => user(pool, run, async () => (running ? performance.now() : null), counters, isRunning));
    return async () => {
      running = false;
      await Promise.all(users);
    };
  }
  const arrivals: number[] = [];
  const idle: (() => void)[] = [];
  const next = async () => {
    while (running && arrivals.length === 0) await new Promise<void>((resolve) => idle.push(resolve));
    return running ? arrivals.shift()! : null;
  };
  const users = Array.from({ length: mode.connections }, () => user(pool, run, next, counters, isRunning, true));
  // Poisson arrivals (exponential gaps, as sysbench's --rate makes them), scheduled on their own clock.
  const gap = () => (-Math.log(1 - Math.random()) * 1000) / mode.rate;
  let due = performance.now();
  const schedule = async () => {
    while (running) {
      for (const now = performance.now(); due <= now; due += gap()) {
        if (idle.length === 0) counters.clientQueued++;
        arrivals.push(due);
        // The user idle the shortest time takes it, as an application's connection pool hands out its warmest
        // connection: at a low rate a few connections (and database threads) stay hot instead of all 32 going cold.
        idle.pop()?.();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
  };
  const scheduler = schedule();
  return async () => {
    running = false;
    await scheduler;
    for (const wake of idle.splice(0)) wake();
    await Promise.all(users);
    arrivals.length = 0;
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as WorkloadSpec;
  const connections = spec.mode.kind === 'closed' ? spec.mode.concurrency : spec.mode.connections;
  const pool = mysql.createPool({ uri: spec.url, connectionLimit: connections, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
  const run = await operationOf(pool, spec.ops);
  const counters: Counters = { latencies: [], waits: [], errors: 0, clientQueued: 0 };
  let stop: (() => Promise<void>) | null = null;
  const ticker = setInterval(() => {
    const { latencies, waits, errors, clientQueued } = counters;
    process.send!({ type: 'tick', atMs: Date.now(), latencies, waits, errors, clientQueued });
    counters.latencies = [];
    counters.waits = [];
  }, TICK_MS);
  process.on('message', async (message: { type: 'run' | 'pause' | 'exit' }) => {
    if (message.type === 'run' && stop === null) {
      stop = start(pool, run, spec.mode, counters);
    } else if (message.type === 'pause' || message.type === 'exit') {
      const stopping = stop;
      stop = null;
      await stopping?.();
      if (message.type === 'exit') {
        clearInterval(ticker);
        await pool.end();
        process.disconnect();
      }
    }
  });
  process.send!({ type: 'ready' });
}

main().catch((error) => {
  console.error(`workload: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
