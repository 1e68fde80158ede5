// The site's users, as a separate process: a fixed number of connections, each running page (or issue)
// views, listings and user lookups back to back (no think time, so any capacity the export takes shows
// up as lost throughput). Reports every completed operation's latency to the parent four times a second.
import mysql from 'mysql2/promise';
import { CONFLUENCE_OPS, ID_QUERIES, JIRA_OPS, type Ids, type Operation } from './workload-ops.ts';

const TICK_MS = 250;
// A user whose page failed tries again after a moment.
const ERROR_PAUSE_MS = 200;

function pick(ops: Operation[]): Operation {
  let r = Math.random();
  for (const op of ops) if ((r -= op.weight) < 0) return op;
  return ops[0];
}

async function loadIds(pool: mysql.Pool, product: 'confluence' | 'jira'): Promise<Ids> {
  const column = async (sql: string) => ((await pool.query(sql))[0] as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));
  const queries = ID_QUERIES[product];
  return { items: await column(queries.items), containers: await column(queries.containers), users: await column(queries.users) };
}

async function main(): Promise<void> {
  const { url, concurrency, product } = JSON.parse(process.argv[2]) as { url: string; concurrency: number; product: 'confluence' | 'jira' };
  const ops = product === 'jira' ? JIRA_OPS : CONFLUENCE_OPS;
  const pool = mysql.createPool({ uri: url, connectionLimit: concurrency, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
  const ids = await loadIds(pool, product);
  let running = false;
  let latencies: number[] = [];
  let errors = 0;
  const loop = async () => {
    while (running) {
      try {
        const conn = await pool.getConnection();
        try {
          while (running) {
            const start = performance.now();
            await pick(ops).run(conn, ids);
            latencies.push(performance.now() - start);
          }
        } finally {
          conn.release();
        }
      } catch {
        // A lost connection (a restarted server) costs the site too: counted, then the user retries.
        errors++;
        await new Promise((resolve) => setTimeout(resolve, ERROR_PAUSE_MS));
      }
    }
  };
  let loops: Promise<void>[] = [];
  const ticker = setInterval(() => {
    process.send!({ type: 'tick', atMs: Date.now(), latencies, errors });
    latencies = [];
  }, TICK_MS);
  process.on('message', async (message: { type: 'run' | 'pause' | 'exit' }) => {
    if (message.type === 'run' && !running) {
      running = true;
      loops = Array.from({ length: concurrency }, loop);
    } else if (message.type === 'pause' || message.type === 'exit') {
      running = false;
      await Promise.all(loops);
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
