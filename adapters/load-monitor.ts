// The database's load signals (SPEC section 8), read on a connection of its own at normal priority so
// the probe feels what the site's users feel: queries running right now, and a trivial query's latency.
import type { LoadSample } from '../core/pacing/load-governor.ts';
import type { LoadMonitor } from '../core/pacing/load-governor.ts';
import type { Db } from '../core/source.ts';
import { openMysql } from './sources/mysql.ts';
import { openSource, type OpenedDb } from './sources/open-source.ts';

// The median of three probes: one probe that lands behind a disk flush says little about the site.
const PROBES = 3;

const RUNNING_SQL = {
  mysql: `SHOW GLOBAL STATUS LIKE 'Threads_running'`,
  postgres: `SELECT count(*) AS "Value" FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()`,
} as const;

export async function openLoadMonitor(url: string): Promise<LoadMonitor> {
  const db: OpenedDb = /^(mysql|mariadb):/.test(url) ? await openMysql(url, { lowPriority: false }) : await openSource(url);
  return {
    async sample(): Promise<LoadSample> {
      return { threadsRunning: await threadsRunning(db), probeMs: await probeMs(db) };
    },
    close: () => db.close(),
  };
}

async function threadsRunning(db: Db): Promise<number | null> {
  try {
    const rows = await db.query(RUNNING_SQL[db.dialect]);
    const value = Number(rows[0]?.Value ?? rows[0]?.value);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

async function probeMs(db: Db): Promise<number | null> {
  const times: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const start = performance.now();
    try {
      await db.query('SELECT 1');
    } catch {
      return null;
    }
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}
