// Command-line options of `npm run bench`.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';

/** The foreground loads, in the order they run (each against the same seeded site). */
export const LOADS = ['idle', 'saturated', 'half', 'step', 'saturated-other'] as const;
export type LoadName = (typeof LOADS)[number];

export interface BenchOptions {
  scale: number;
  rounds: number;
  json: string | null;
  svg: string | null;
  product: 'confluence' | 'jira';
  /** The database Sluice exports from: MariaDB, or PostgreSQL holding a copy of the seeded site (budget 1 and the memory check only). */
  database: 'mariadb' | 'postgres';
  /** Foreground connections of the closed-loop workloads, each running operations back to back. */
  concurrency: number;
  /** The budget measured against the workload (SLUICE_IMPACT_BUDGET's default). */
  budget: number;
  /** Each baseline window: long enough to average the workload's second-to-second wobble. */
  windowMs: number;
  /** A workload runs this long before its first measurement: its throughput climbs for about 15 s while caches warm and the JIT settles. */
  warmupMs: number;
  /** Which loads run, in LOADS order. */
  loads: LoadName[];
  /** Fixed shares of the machine's cores (SLUICE_FIXED_SHARE) tried on the half load, to find the oracle. */
  sweep: number[];
  /** Rounds of each fixed share in the sweep. */
  sweepRounds: number;
  /** Run every share of the sweep, not only down to the first that holds the workload's p95. */
  fullSweep: boolean;
  /** Megabytes of sysbench-like tables the saturated-other load reads (grown when the site and they fit the buffer pool). */
  otherMb: number;
  /** The host name Sluice is given for the database instead of a loopback literal, or null. */
  remote: string | null;
  /** Unmeasured exports each server runs before the measured one (0: every export is a fresh server's first). */
  priorExports: number;
  /** Skip seeding and exporting at 4× the scale (the flat-memory check). */
  memoryCheck: boolean;
  /** Keep the seeded databases (for looking at them afterwards). */
  keep: boolean;
  host: string;
  port: number;
  user: string;
  password: string;
}

export const USAGE = `npm run bench -- [--scale N] [--rounds N] [--loads ${LOADS.join(',')}|none] [--sweep S,S,…] [--sweep-rounds N]
  [--full-sweep] [--window S] [--warmup S] [--other-mb N] [--remote [HOST]] [--json FILE] [--svg FILE] [--product confluence|jira] [--database mariadb|postgres] [--concurrency N]
  [--budget B] [--prior-exports N] [--no-memory-check] [--keep] [--host H] [--port P] [--user U] [--password P]`;

// Loopback literals: a database addressed by one of these counts as local to Sluice.
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/i;

/** `--remote` may stand alone (then the machine's own host name is used): give it an empty value. */
function withRemoteValue(argv: string[]): string[] {
  return argv.flatMap((arg, i) => (arg === '--remote' && (i + 1 >= argv.length || argv[i + 1].startsWith('--')) ? ['--remote='] : [arg]));
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: withRemoteValue(argv),
    options: {
      scale: { type: 'string', default: '0.5' },
      rounds: { type: 'string', default: '5' },
      json: { type: 'string' },
      svg: { type: 'string' },
      product: { type: 'string', default: 'confluence' },
      database: { type: 'string', default: 'mariadb' },
      concurrency: { type: 'string', default: '4' },
      budget: { type: 'string', default: '0.05' },
      window: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '20' },
      loads: { type: 'string', default: LOADS.join(',') },
      sweep: { type: 'string', default: '0.01,0.02,0.04,0.08,0.16' },
      'sweep-rounds': { type: 'string', default: '3' },
      'full-sweep': { type: 'boolean', default: false },
      'other-mb': { type: 'string', default: '92' },
      remote: { type: 'string' },
      'no-memory-check': { type: 'boolean', default: false },
      'prior-exports': { type: 'string', default: '0' },
      keep: { type: 'boolean', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '3306' },
      user: { type: 'string', default: 'root' },
      password: { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, text: string, max = Number.POSITIVE_INFINITY) => {
    const n = Number(text);
    if (!(n > 0 && n <= max))
      throw new Error(`Cannot run the benchmark with --${name} "${text}": expected a number above 0${max < Infinity ? ` and at most ${max}` : ''}`);
    return n;
  };
  if (values.product !== 'confluence' && values.product !== 'jira')
    throw new Error(`Cannot benchmark --product "${values.product}": expected confluence or jira`);
  if (values.database !== 'mariadb' && values.database !== 'postgres')
    throw new Error(`Cannot benchmark --database "${values.database}": expected mariadb or postgres`);
  const loads = parseLoads(values.loads);
  if (values.database === 'postgres' && loads.length > 0)
    throw new Error('Cannot run the loads against PostgreSQL: their workloads run on MariaDB (give --loads none)');
  return {
    scale: positive('scale', values.scale),
    rounds: Math.round(positive('rounds', values.rounds)),
    json: values.json ?? null,
    svg: values.svg ?? null,
    product: values.product,
    database: values.database,
    concurrency: Math.round(positive('concurrency', values.concurrency)),
    budget: positive('budget', values.budget, 1),
    windowMs: positive('window', values.window) * 1000,
    warmupMs: positive('warmup', values.warmup) * 1000,
    loads,
    sweep: values.sweep
      .split(',')
      .map((s) => positive('sweep', s.trim(), 1))
      .sort((a, b) => b - a),
    sweepRounds: Math.round(positive('sweep-rounds', values['sweep-rounds'])),
    fullSweep: values['full-sweep'],
    otherMb: positive('other-mb', values['other-mb']),
    remote: values.remote === undefined ? null : parseRemote(values.remote),
    memoryCheck: !values['no-memory-check'],
    priorExports: nonNegative(values['prior-exports']),
    keep: values.keep,
    host: values.host,
    port: Number(values.port),
    user: values.user,
    password: values.password,
  };
}

function nonNegative(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Cannot run the benchmark with --prior-exports "${text}": expected a whole number, 0 or more`);
  return n;
}

function parseLoads(text: string): LoadName[] {
  if (text.trim() === 'none') return [];
  const asked = text.split(',').map((s) => s.trim());
  for (const name of asked)
    if (!(LOADS as readonly string[]).includes(name)) throw new Error(`Cannot run the load "${name}": expected some of ${LOADS.join(', ')}`);
  return LOADS.filter((name) => asked.includes(name));
}

function parseRemote(text: string): string {
  const host = text === '' ? hostname() : text;
  if (LOOPBACK.test(host) || host === '')
    throw new Error(`Cannot address the database as remote by "${host}": expected a host name that is not a loopback literal (give one: --remote NAME)`);
  return host;
}
