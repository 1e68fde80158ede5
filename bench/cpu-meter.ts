// CPU time from /proc, so the report can say how much of the machine the export really used and how
// much other work (anything but the database, the workload, Sluice and the benchmark) ran meanwhile.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

// Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every common platform.
const TICKS_PER_SECOND = 100;

/** CPU seconds a process (all its threads) has used, or 0 when it cannot be read; with `children`, its reaped children's too. */
export function cpuSeconds(pid: number | null, children = false): number {
  if (pid === null) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (children ? own + Number(fields[13]) + Number(fields[14]) : own) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** A process's command name, or '' when it is gone. */
function commandOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The database server's CPU seconds so far, as a clock read at both ends of a span. */
export type DatabaseClock = () => number;

/**
 * MariaDB is one process. PostgreSQL is a process per connection: its CPU is every live postgres
 * process's plus what the ones that ended left in the postmaster's children's account.
 */
export function databaseClock(engine: 'mariadb' | 'postgres'): DatabaseClock {
  if (engine === 'mariadb') return () => cpuSeconds(databasePid());
  return () => {
    let total = 0;
    const postmaster = findPid('postgres');
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || commandOf(pid) !== 'postgres') continue;
      total += cpuSeconds(Number(pid), Number(pid) === postmaster);
    }
    return total;
  };
}

/** Busy CPU seconds of the whole machine, all cores together. */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  // user, nice, system, irq, softirq, steal: everything but idle and iowait.
  return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields[7] ?? 0)) / TICKS_PER_SECOND;
}

let database: number | null = null;

/** The local database server's process, when there is one (looked up again only when a restart replaced it). */
export function databasePid(): number | null {
  if (database === null || !existsSync(`/proc/${database}`)) database = findDatabasePid();
  return database;
}

function findDatabasePid(): number | null {
  return findPid('mariadbd') ?? findPid('mysqld');
}

/** The oldest process of that name. */
function findPid(name: string): number | null {
  try {
    return Number(execFileSync('pgrep', ['-xo', name]).toString().trim()) || null;
  } catch {
    // Not running under that name.
    return null;
  }
}

export interface CpuUse {
  /** Average cores in use over the window. */
  database: number;
  workload: number;
  sluice: number;
  /** Everything else on the machine: other people's work, which makes a window noisy. */
  foreign: number;
}

/** Starts measuring; `end` takes Sluice's CPU seconds over the window (0 when no export ran). */
export function startCpuWindow(pids: { database: DatabaseClock; workload: number | null }) {
  const start = { at: performance.now(), busy: machineBusySeconds(), db: pids.database(), wl: cpuSeconds(pids.workload), self: process.cpuUsage() };
  return {
    end(sluiceSeconds: number): CpuUse {
      const seconds = (performance.now() - start.at) / 1000;
      const self = process.cpuUsage(start.self);
      const database = pids.database() - start.db;
      const workload = cpuSeconds(pids.workload) - start.wl;
      const bench = (self.user + self.system) / 1e6;
      const foreign = machineBusySeconds() - start.busy - database - workload - sluiceSeconds - bench;
      const cores = (n: number) => Math.max(0, n) / seconds;
      return { database: cores(database), workload: cores(workload), sluice: cores(sluiceSeconds), foreign: cores(foreign) };
    },
  };
}
