// What the governor measures about the site (SPEC section 8), on a connection of its own at normal
// priority, so its probes wait where the site's queries wait:
// - probes: a primary-key lookup of a real row of the site's busiest table, timed about seven times a
//   second: the site's latency as its users' queries meet it;
// - activity: how many of the site's own queries run at once, the export's left out (they carry the
//   `/*sluice*/` mark on MySQL, the `sluice` application name on PostgreSQL);
// - this machine's idle and busy cores, and this process's, from /proc, where it has one and the database
//   runs on it.
import { setTimeout as delay } from 'node:timers/promises';
import type { ProbeDef } from '../core/entities/entity.ts';
import { isLocalDatabase } from '../core/pacing/plan.ts';
import type { SiteMonitor } from '../core/pacing/site-monitor.ts';
import type { Db } from '../core/source.ts';
import { createMachineCpu } from './machine-cpu.ts';
import { openMysql, SLUICE_MARK } from './sources/mysql.ts';
import { openSource, type OpenedDb } from './sources/open-source.ts';

// Probes about seven a second: enough for an epoch's median. The site's activity every 100 ms while the
// samples see none of its queries, so an idle site is told from a busy one within half a second, and a run
// of empty samples on a busy site (a sample often misses its short queries) must be as long as ever before
// the site is called idle; every 400 ms once a sample sees the site at work, the usual case on a busy site,
// where the monitor's cost matters. On a virtual machine each query costs about 1 ms of this process's CPU
// (the network's system calls and wake-ups) and 0.4 ms of the database's: at twenty-seven queries a second
// the monitor alone took 0.044 cores, a whole 5% budget of a saturated two-core machine. While the export
// crawls the governor stretches the busy site's gaps (its samplingStretch): at the least pace a quarter as
// many queries (measured on a saturated two-core machine: Sluice 0.042 cores during the export, now 0.033).
const PROBE_EVERY_MS = 140;
// Stretched, the probes still come at their usual gap, in bursts of this many, the bursts further apart:
// a probe after a longer pause is slower than the site. Measured on the saturated two-core benchmark site
// with no export, a probe's median was 1.59 ms at the usual gap and 2.34 ms at four times it (medians of
// three 15 s blocks each), so a stretched governor saw the site 3-33% slower than its baseline, measured
// at the usual gap, and held the export at its least pace. The first probe after a pause longer than
// COLD_AFTER_MS only wakes the connection and is not counted: then a burst read 1.66 ms.
const PROBE_BURST = 10;
const COLD_AFTER_MS = PROBE_EVERY_MS * 1.5;
const ACTIVITY_EVERY_MS = 100;
const BUSY_ACTIVITY_EVERY_MS = 400;
// Probe rows: this many keys from as many places in the table, so the probes read what the site reads.
const PROBE_KEYS = 200;
const PROBE_SPOTS = 20;

export async function openSiteMonitor(url: string, probe: ProbeDef): Promise<SiteMonitor> {
  const db: OpenedDb = /^(mysql|mariadb):/.test(url) ? await openMysql(url, { lowPriority: false }) : await openSource(url);
  try {
    // The machine's CPU and the monitor's own queries are clocked from here: the first reading covers
    // the opening, and the governor's first decision (is the site idle?) has the machine's busy cores
    // beside the activity samples.
    const clocks = { cpu: isLocalDatabase(url) ? createMachineCpu() : null, dbMs: db.cpuMs?.() ?? null };
    const activitySql = await activityQuery(db);
    // The probe keys are read in the gaps between the first activity samples (one connection runs its
    // queries in turn): every export waits for those samples, not for the keys as well.
    const [keys, firstActivity] = await Promise.all([probeKeys(db, probe), firstActivitySamples(db, activitySql, clocks.cpu?.readable === true)]);
    return runMonitor(db, probeQuery(db, probe), keys, activitySql, firstActivity, clocks);
  } catch (error) {
    await db.close();
    throw error;
  }
}

// Activity samples taken as the monitor opens: the governor's first decision (is the site idle?) has them.
// Every export waits for them before its first chunk, so they are kept short. Samples taken back to back
// see one instant, when a saturated site's few connections may all be between queries, and even spread
// over a tenth of a second all six saw none in 3 of 9 benchmark rounds on a saturated site. Where the
// database runs on this machine the governor also weighs the machine's busy cores over the opening, which
// do not miss a saturated site, so three samples over 40 ms do (an idle site's export at scale 0.25 waited
// 0.12 s of its 0.44 s for six); elsewhere the samples are all there is, and six are spread over 100 ms.
const FIRST_ACTIVITY_SAMPLES = { withCpu: 3, withoutCpu: 6 };
const FIRST_ACTIVITY_GAP_MS = 20;

/** An activity sample weighs as long as it stands for (the gap to the next one), so their mean is over time. */
interface ActivitySample {
  n: number;
  weightMs: number;
}

async function firstActivitySamples(db: OpenedDb, activitySql: string | null, withCpu: boolean): Promise<ActivitySample[]> {
  const samples: ActivitySample[] = [];
  const count = withCpu ? FIRST_ACTIVITY_SAMPLES.withCpu : FIRST_ACTIVITY_SAMPLES.withoutCpu;
  for (let i = 0; activitySql !== null && i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, FIRST_ACTIVITY_GAP_MS));
    samples.push({ n: await siteActivity(db, activitySql), weightMs: FIRST_ACTIVITY_GAP_MS });
  }
  return samples;
}

export function runMonitor(
  db: OpenedDb,
  probeSql: string,
  keys: string[],
  activitySql: string | null,
  firstActivity: ActivitySample[],
  clocks: { cpu: ReturnType<typeof createMachineCpu> | null; dbMs: number | null },
): SiteMonitor {
  let probes: number[] = [];
  let activity = firstActivity;
  let failed: unknown = null;
  const { cpu } = clocks;
  let { dbMs } = clocks;
  // close() stops the loop: an export's end waits for the monitor to close.
  const stop = new AbortController();
  const cadence = createCadence();
  const loop = (async () => {
    let activityAt = Number.NEGATIVE_INFINITY;
    let busy = false;
    const activityGapMs = () => (busy ? BUSY_ACTIVITY_EVERY_MS * cadence.stretch : ACTIVITY_EVERY_MS);
    const probing = { at: Number.NEGATIVE_INFINITY, inBurst: 0, lastQueryAt: Number.NEGATIVE_INFINITY, pause: false };
    while (!stop.signal.aborted) {
      // Worked out afresh each time: a new stretch applies to the samples already waited for.
      const nextActivity = activitySql === null ? Number.POSITIVE_INFINITY : activityAt + activityGapMs();
      const nextProbe = keys.length === 0 ? Number.POSITIVE_INFINITY : nextProbeAt(probing, cadence.stretch);
      const now = performance.now();
      if (activitySql !== null && now >= nextActivity) {
        const n = await siteActivity(db, activitySql);
        busy = n > 0;
        activity.push({ n, weightMs: activityGapMs() });
        activityAt = now;
        probing.lastQueryAt = performance.now();
      } else if (now >= nextProbe) {
        const ms = await timeProbe(db, probeSql, keys);
        // After a pause the first probe is slower than the site (see PROBE_BURST): it only wakes the connection.
        const cold = now - probing.lastQueryAt > COLD_AFTER_MS;
        probing.lastQueryAt = performance.now();
        probing.at = now;
        probing.pause = false;
        if (cold) continue;
        probes.push(ms);
        probing.inBurst = (probing.inBurst + 1) % PROBE_BURST;
        probing.pause = probing.inBurst === 0;
      } else {
        const due = Math.min(nextActivity, nextProbe);
        await cadence.sleep(Number.isFinite(due) ? due - now : PROBE_EVERY_MS);
      }
    }
  })().catch((error) => {
    failed = error;
  });
  return {
    take() {
      if (failed !== null) throw failed;
      const known = activity.filter((a) => !Number.isNaN(a.n));
      const weightMs = known.reduce((sum, a) => sum + a.weightMs, 0);
      const machine = cpu?.sample() ?? null;
      // The monitor's queries are the export's work in the database too.
      const dbNow = db.cpuMs?.() ?? null;
      const monitorCores = machine === null || dbNow === null || dbMs === null ? null : (dbNow - dbMs) / machine.spanMs;
      const ownCores = machine?.ownCores ?? null;
      dbMs = dbNow;
      const reading = {
        probesMs: probes,
        activity: activitySql === null || known.length === 0 ? null : Math.max(0, known.reduce((sum, a) => sum + a.n * a.weightMs, 0) / weightMs),
        idleCores: machine?.idleCores ?? null,
        busyCores: machine?.busyCores ?? null,
        sluiceCores: ownCores === null ? null : ownCores + (monitorCores ?? 0),
      };
      probes = [];
      activity = [];
      return reading;
    },
    stretch: cadence.set,
    async close() {
      stop.abort();
      cadence.wake();
      await loop;
      await db.close();
    },
  };
}

/** The next probe: the usual gap after the last, within a burst; after a burst's last, the pause that puts the bursts `stretch` times further apart. */
function nextProbeAt(probing: { at: number; pause: boolean }, stretch: number): number {
  return probing.at + (probing.pause ? PROBE_EVERY_MS * (1 + (stretch - 1) * PROBE_BURST) : PROBE_EVERY_MS);
}

/** A primary-key lookup of one of the keys, timed in ms. */
async function timeProbe(db: Db, probeSql: string, keys: string[]): Promise<number> {
  const key = keys[Math.floor(Math.random() * keys.length)];
  const start = performance.now();
  await db.query(probeSql, [key]);
  return performance.now() - start;
}

/** How far apart the samples are (the governor's stretch), and the wait for the next one, which close() and a shorter stretch cut short: a quiet window wants its probes at once. */
function createCadence() {
  let nap = new AbortController();
  const cadence = {
    stretch: 1,
    sleep: (ms: number) => delay(ms, undefined, { signal: nap.signal }).catch(() => undefined),
    wake() {
      nap.abort();
      nap = new AbortController();
    },
    set(times: number) {
      const sooner = times < cadence.stretch;
      cadence.stretch = times;
      if (sooner) cadence.wake();
    },
  };
  return cadence;
}

function probeQuery(db: Db, probe: ProbeDef): string {
  const table = db.table(probe.table);
  if (table === null) throw new Error(`Cannot probe the site: it has no ${probe.table} table`);
  // Plain names, as the entities write them: PostgreSQL folds them to its lower-case columns.
  return `SELECT ${probe.columns.join(', ')} FROM ${table} WHERE ${probe.key} = ?`;
}

/** Keys of real rows from spots across the table: the probes read pages the site reads, not one cached row. */
async function probeKeys(db: Db, probe: ProbeDef): Promise<string[]> {
  const table = db.table(probe.table);
  if (table === null) return [];
  const key = probe.key;
  const [range] = await db.query(`SELECT MIN(${key}) AS lo, MAX(${key}) AS hi FROM ${table}`);
  if (range?.lo === null || range?.lo === undefined) return [];
  const [lo, hi] = [Number(range.lo), Number(range.hi)];
  const keys = new Set<string>();
  for (let spot = 0; spot < PROBE_SPOTS; spot++) {
    const from = Math.floor(lo + ((hi - lo) * spot) / PROBE_SPOTS);
    const rows = await db.query(`SELECT ${key} AS k FROM ${table} WHERE ${key} >= ? ORDER BY ${key} LIMIT ${PROBE_KEYS / PROBE_SPOTS}`, [from]);
    for (const row of rows) keys.add(String(row.k));
  }
  return [...keys];
}

/**
 * The SQL that counts the site's running queries, or null where the database does not tell them apart
 * from the export's: without MySQL's PROCESS privilege only the server's total is visible, and the
 * export's own running queries are taken off it; a PostgreSQL role that cannot see other roles' states
 * cannot tell at all.
 */
async function activityQuery(db: Db): Promise<string | null> {
  if (db.dialect === 'postgres') {
    const [row] = await db.query(`SELECT count(*) FILTER (WHERE state IS NULL AND backend_type = 'client backend') AS hidden FROM pg_stat_activity`);
    if (Number(row?.hidden ?? 1) > 0) return null;
    return `SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend'
      AND pid <> pg_backend_pid() AND application_name NOT LIKE 'sluice%'`;
  }
  const mine = `(SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND INFO LIKE '${SLUICE_MARK}%')`;
  if (await seesEveryThread(db)) {
    return `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
      WHERE COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Connect') AND (INFO IS NULL OR INFO NOT LIKE '${SLUICE_MARK}%')`;
  }
  for (const status of ['information_schema.GLOBAL_STATUS', 'performance_schema.global_status']) {
    const sql = `SELECT (SELECT VARIABLE_VALUE FROM ${status} WHERE VARIABLE_NAME = 'THREADS_RUNNING') - ${mine} AS n`;
    if (
      await db.query(sql).then(
        (rows) => rows[0]?.n !== null && rows[0]?.n !== undefined,
        () => false,
      )
    )
      return sql;
  }
  return null;
}

/** True when this connection's user has the PROCESS privilege: the process list shows every user's threads. */
async function seesEveryThread(db: Db): Promise<boolean> {
  const grants = await db.query('SHOW GRANTS').catch(() => []);
  return grants.some((row) => {
    const line = String(Object.values(row)[0] ?? '');
    return / ON \*\.\* /.test(line) && /\b(ALL PRIVILEGES|PROCESS)\b/.test(line);
  });
}

async function siteActivity(db: Db, sql: string): Promise<number> {
  const [row] = await db.query(sql);
  const n = Number(row?.n);
  return Number.isFinite(n) ? n : Number.NaN;
}
