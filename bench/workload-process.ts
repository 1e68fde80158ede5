// The site's users, as a separate process: a fixed number of connections, each running page views,
// space listings and user lookups back to back (no think time, so any capacity the export takes shows
// up as lost throughput). Reports every completed operation's latency to the parent four times a second.
import mysql from 'mysql2/promise';

// Page views dominate a wiki's traffic; listings and user lookups fill the rest.
const MIX = [{ op: 'pageView', weight: 0.6 }, { op: 'recentPages', weight: 0.25 }, { op: 'userLookup', weight: 0.15 }] as const;
const TICK_MS = 250;

type Conn = mysql.PoolConnection;
interface Ids { pages: string[]; spaces: string[]; users: string[] }

const OPS: Record<(typeof MIX)[number]['op'], (conn: Conn, ids: Ids) => Promise<unknown>> = {
  async pageView(conn, ids) {
    // Popular pages are viewed most (the same skew the seeder gives comments).
    const id = ids.pages[Math.floor(ids.pages.length * Math.random() ** 2)];
    await conn.query(`SELECT c.CONTENTID, c.TITLE, c.VERSION, c.CREATOR, c.LASTMODDATE, s.SPACEKEY, s.SPACENAME, b.BODY
      FROM CONTENT c LEFT JOIN SPACES s ON s.SPACEID = c.SPACEID
      LEFT JOIN BODYCONTENT b ON b.CONTENTID = c.CONTENTID AND b.BODYTYPEID = 2 WHERE c.CONTENTID = ?`, [id]);
    await conn.query(`SELECT l.NAME, l.NAMESPACE FROM CONTENT_LABEL cl JOIN LABEL l ON l.LABELID = cl.LABELID
      WHERE cl.CONTENTID = ?`, [id]);
  },
  recentPages: (conn, ids) => conn.query(`SELECT CONTENTID, TITLE, LASTMODDATE, LASTMODIFIER FROM CONTENT
    WHERE SPACEID = ? AND CONTENTTYPE = 'PAGE' AND PREVVER IS NULL AND CONTENT_STATUS = 'current'
    ORDER BY LASTMODDATE DESC LIMIT 20`, [ids.spaces[Math.floor(Math.random() * ids.spaces.length)]]),
  userLookup: (conn, ids) => conn.query(`SELECT um.username, cu.display_name, cu.email_address
    FROM user_mapping um JOIN cwd_user cu ON cu.lower_user_name = um.lower_username WHERE um.user_key = ?`,
  [ids.users[Math.floor(Math.random() * ids.users.length)]]),
};

function pickOp() {
  let r = Math.random();
  for (const { op, weight } of MIX) if ((r -= weight) < 0) return op;
  return MIX[0].op;
}

async function loadIds(pool: mysql.Pool): Promise<Ids> {
  const column = async (sql: string) => ((await pool.query(sql))[0] as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));
  return {
    pages: await column(`SELECT CONTENTID FROM CONTENT WHERE CONTENTTYPE IN ('PAGE','BLOGPOST') AND PREVVER IS NULL AND CONTENT_STATUS = 'current'`),
    spaces: await column('SELECT SPACEID FROM SPACES'),
    users: await column('SELECT user_key FROM user_mapping'),
  };
}

async function main(): Promise<void> {
  const { url, concurrency } = JSON.parse(process.argv[2]) as { url: string; concurrency: number };
  const pool = mysql.createPool({ uri: url, connectionLimit: concurrency, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
  const ids = await loadIds(pool);
  let running = false;
  let latencies: number[] = [];
  const loop = async () => {
    const conn = await pool.getConnection();
    try {
      while (running) {
        const start = performance.now();
        await OPS[pickOp()](conn, ids);
        latencies.push(performance.now() - start);
      }
    } finally {
      conn.release();
    }
  };
  let loops: Promise<void>[] = [];
  const ticker = setInterval(() => {
    process.send!({ type: 'tick', atMs: Date.now(), latencies });
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
