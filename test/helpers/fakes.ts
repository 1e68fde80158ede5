/**
 * In-memory stand-ins for the kernel's ports (core/ports.ts), each one a test can drive and inspect:
 * a JobStore with the file journal's semantics, an EntityRunner whose tasks the test finishes, a Host
 * with a clock and free space the test sets, and an OpenDb whose tables and answers the test scripts.
 */
import { createPacingPlan } from '../../core/pacing/plan.ts';
import type { OpenSiteMonitor } from '../../core/pacing/site-monitor.ts';
import { parseConfig, type Config } from '../../core/config.ts';
import { confluence } from '../../core/entities/confluence.ts';
import type { Checkpoint, JobRecord } from '../../core/job/status.ts';
import { createKernel, type Kernel } from '../../core/job/kernel.ts';
import type { EntityRunner, Host, JobStore } from '../../core/job/ports.ts';
import type { OpenDb } from '../../core/source.ts';
import type { Db, DbRow } from '../../core/source.ts';
import type { ControlMessage, EntityOutcome, EntityTask, ProgressReport } from '../../core/job/task.ts';

const copy = <T>(value: T): T => structuredClone(value);
// The journal's reads and writes are file I/O: each one finishes on a later turn of the event loop.
const io = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface MemoryStore extends JobStore {
  /** Every record written (create or save), in order: the last one is what the journal holds. */
  readonly writes: JobRecord[];
  readonly jobs: Map<number, JobRecord>;
}

/** The file journal's semantics: create() is exclusive per id, save() replaces, markers and claims are sets. */
export function createMemoryStore(): MemoryStore {
  const jobs = new Map<number, JobRecord>();
  const cancels = new Set<number>();
  const settings = new Map<string, unknown>();
  const claims = new Set<string>();
  const writes: JobRecord[] = [];
  const ids = () => [...jobs.keys()].sort((a, b) => b - a);
  const write = (record: JobRecord) => {
    jobs.set(record.jobId, copy(record));
    writes.push(copy(record));
  };
  return {
    writes,
    jobs,
    async latest() {
      await io();
      const [newest] = ids();
      return newest === undefined ? null : copy(jobs.get(newest)!);
    },
    async get(jobId) {
      await io();
      const record = jobs.get(jobId);
      return record ? copy(record) : null;
    },
    async list(offset, limit) {
      const all = ids();
      return { values: all.slice(offset, offset + limit).map((id) => copy(jobs.get(id)!)), size: all.length };
    },
    async create(record) {
      await io();
      if (jobs.has(record.jobId)) return false;
      write(record);
      return true;
    },
    async save(record) {
      await io();
      write(record);
    },
    async requestCancel(jobId) {
      await io();
      cancels.add(jobId);
    },
    async isCancelRequested(jobId) {
      return cancels.has(jobId);
    },
    async readSetting<T>(name: string) {
      return settings.has(name) ? (copy(settings.get(name)) as T) : null;
    },
    async writeSetting(name, value) {
      if (value === null || value === undefined) settings.delete(name);
      else settings.set(name, copy(value));
    },
    async claim(name) {
      if (claims.has(name)) return false;
      claims.add(name);
      return true;
    },
  };
}

/** One entity task as the runner started it; the test reports progress and decides how it ends. */
export interface FakeTask {
  readonly task: EntityTask;
  /** Control messages the kernel sent, in order. */
  readonly messages: ControlMessage[];
  readonly settled: boolean;
  /** A report; with `checkpoint`, the task's latest on disk. */
  progress(rows: number, bytes?: number, checkpoint?: Checkpoint): void;
  succeed(result?: Partial<Extract<EntityOutcome, { ok: true }>>): void;
  fail(code: Extract<EntityOutcome, { ok: false }>['code'], message: string, checkpoint?: Checkpoint): void;
}

export interface FakeRunner extends EntityRunner {
  readonly tasks: FakeTask[];
  readonly closed: boolean;
  /** The task of an entity, once it has started. */
  task(entity: string): FakeTask;
  /** Resolves once `count` tasks have started. */
  started(count: number): Promise<FakeTask[]>;
}

const IDLE_GOVERNOR = { chunkRows: 100, rowsPerSecond: 0, dutyCycle: 1, paused: false, reason: null };
const NO_CPU = { sluiceMs: null, databaseMs: null };

/** Tasks answer a cancel message by ending as cancelled, as the worker does, unless `ignoreCancel`. */
export function createFakeRunner(options: { ignoreCancel?: boolean } = {}): FakeRunner {
  const tasks: FakeTask[] = [];
  const waiters: { count: number; resolve: (tasks: FakeTask[]) => void }[] = [];
  let closed = false;
  const notify = () => {
    for (const waiter of waiters.filter((w) => tasks.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve([...tasks]);
    }
  };
  return {
    tasks,
    get closed() {
      return closed;
    },
    task(entity) {
      const found = tasks.find((t) => t.task.entity === entity);
      if (!found) throw new Error(`Cannot find a started task for ${entity}`);
      return found;
    },
    started(count) {
      return new Promise((resolve) => {
        waiters.push({ count, resolve });
        notify();
      });
    },
    start(task: EntityTask, onProgress: (report: ProgressReport) => void) {
      let settle!: (outcome: EntityOutcome) => void;
      const outcome = new Promise<EntityOutcome>((resolve) => (settle = resolve));
      let settled = false;
      const end = (result: EntityOutcome) => {
        if (settled) return;
        settled = true;
        settle(result);
      };
      const fake: FakeTask = {
        task,
        messages: [],
        get settled() {
          return settled;
        },
        progress: (rows, bytes = rows * 10, checkpoint) =>
          onProgress({ rows, bytes, governor: IDLE_GOVERNOR, cpu: NO_CPU, ...(checkpoint ? { checkpoint } : {}) }),
        succeed: (result = {}) => end({ ok: true, rows: 0, scanned: result.rows ?? 0, bytes: 0, durationMs: 1, file: task.fileName, ...result }),
        fail: (code, message, checkpoint) => end({ ok: false, code, message, ...(checkpoint ? { checkpoint } : {}) }),
      };
      tasks.push(fake);
      notify();
      return {
        outcome,
        send(message: ControlMessage) {
          fake.messages.push(message);
          if (message.type === 'cancel' && !options.ignoreCancel) fake.fail('cancelled', `Cancelled ${task.entity}`);
        },
      };
    },
    async close() {
      closed = true;
    },
  };
}

export interface FakeHost extends Host {
  /** Free bytes every path reports; null for "unknown". */
  free: number | null;
  readonly dirsMade: string[];
  readonly cleaned: { path: string; what: 'partials' | 'all' }[];
  /** Pids isLocalProcessAlive() answers true for. */
  readonly alive: Set<number>;
  readonly files: Map<string, string>;
  /** The export files, each path with its size: what fileSize, moveFile, truncateFile and the removals work on. */
  readonly disk: Map<string, number>;
  /** Every move, in order. */
  readonly moves: { from: string; to: string }[];
  setTime(ms: number): void;
  advance(ms: number): void;
}

export function createFakeHost(options: { nodeId?: string; pid?: number; nowMs?: number; free?: number | null } = {}): FakeHost {
  let nowMs = options.nowMs ?? Date.UTC(2024, 2, 5, 14, 7, 9, 917);
  const pid = options.pid ?? 4242;
  return {
    nodeId: options.nodeId ?? 'node1',
    pid,
    free: options.free === undefined ? 100 * 1024 ** 4 : options.free,
    dirsMade: [],
    cleaned: [],
    alive: new Set([pid]),
    files: new Map(),
    disk: new Map(),
    moves: [],
    now: () => new Date(nowMs),
    setTime(ms) {
      nowMs = ms;
    },
    advance(ms) {
      nowMs += ms;
    },
    async freeBytes() {
      return this.free;
    },
    async makePrivateDir(path) {
      this.dirsMade.push(path);
    },
    async cleanExportDir(path, what) {
      this.cleaned.push({ path, what });
      for (const file of [...this.disk.keys()]) {
        if (file.startsWith(`${path}/`) && (what === 'all' || file.endsWith('.partial'))) this.disk.delete(file);
      }
    },
    async fileSize(path) {
      return this.disk.get(path) ?? null;
    },
    async moveFile(from, to) {
      const size = this.disk.get(from);
      if (size === undefined) throw Object.assign(new Error(`ENOENT: ${from}`), { code: 'ENOENT' });
      if (this.disk.has(to)) throw Object.assign(new Error(`EEXIST: ${to}`), { code: 'EEXIST' });
      this.moves.push({ from, to });
      this.disk.delete(from);
      this.disk.set(to, size);
    },
    async truncateFile(path, bytes) {
      const size = this.disk.get(path);
      if (size === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      this.disk.set(path, Math.min(size, bytes));
    },
    async removeFile(path) {
      this.disk.delete(path);
    },
    async dirBytes(path) {
      let bytes = 0;
      for (const [file, size] of this.disk) if (file.startsWith(`${path}/`)) bytes += size;
      return bytes;
    },
    isLocalProcessAlive(candidate) {
      return this.alive.has(candidate);
    },
    async readText(path) {
      return this.files.get(path) ?? null;
    },
    joinPath: (...parts) => parts.join('/').replace(/\/+/g, '/'),
  };
}

export type QueryScript = (sql: string, params: readonly unknown[]) => DbRow[] | Promise<DbRow[]>;

export interface FakeOpenDb extends OpenDb {
  readonly queries: { sql: string; params: readonly unknown[] }[];
  /** Connections opened and not yet closed. */
  readonly open: number;
  /** When set, open() rejects with it (an unreachable database). */
  failWith: Error | null;
  /** When set, open() waits for it first (a slow connection). */
  hold: Promise<void> | null;
}

/** `tables` are the site's tables as the catalog spells them; `script` answers every query. */
export function createFakeOpenDb(tables: readonly string[], script: QueryScript = () => [{ n: 0 }]): FakeOpenDb {
  const queries: { sql: string; params: readonly unknown[] }[] = [];
  let open = 0;
  const byLower = new Map(tables.map((t) => [t.toLowerCase(), t]));
  const db: Db = {
    dialect: 'mysql',
    table: (name) => {
      const found = byLower.get(name.toLowerCase());
      return found === undefined ? null : `\`${found}\``;
    },
    id: (name) => `\`${name}\``,
    async query(sql, params = []) {
      queries.push({ sql, params });
      return script(sql, params);
    },
  };
  const openDb = async () => {
    await openDb.hold;
    if (openDb.failWith) throw openDb.failWith;
    open++;
    return { ...db, close: async () => void open-- };
  };
  Object.defineProperty(openDb, 'queries', { value: queries });
  Object.defineProperty(openDb, 'open', { get: () => open });
  openDb.failWith = null as Error | null;
  openDb.hold = null as Promise<void> | null;
  return openDb as FakeOpenDb;
}

/** The tables of a Confluence site, with or without the analytics events table. */
export const CONFLUENCE_TABLES = [
  'CONTENT',
  'SPACES',
  'BODYCONTENT',
  'LABEL',
  'CONTENT_LABEL',
  'AO_7B47A5_EVENT',
  'user_mapping',
  'cwd_user',
  'cwd_directory',
  'journalentry',
];

export interface KernelOnFakes {
  kernel: Kernel;
  store: MemoryStore;
  runner: FakeRunner;
  host: FakeHost;
  openDb: FakeOpenDb;
  config: Config;
}

/**
 * A Confluence kernel on fakes; `env` is read as the service reads the environment. The impact budget
 * defaults to 1 so every entity task starts at once: tests of the budget's admission set it themselves.
 */
export function createKernelOnFakes(
  options: { env?: Record<string, string>; store?: MemoryStore; runner?: FakeRunner; host?: FakeHost; openDb?: FakeOpenDb; openMonitor?: OpenSiteMonitor } = {},
): KernelOnFakes {
  const host = options.host ?? createFakeHost();
  const env = { DATABASE_URL: 'mysql://root@127.0.0.1:3306/site', PIPELINE_HOME: '/home/sluice', SLUICE_IMPACT_BUDGET: '1', ...options.env };
  const config = parseConfig(env, { nodeId: host.nodeId });
  const store = options.store ?? createMemoryStore();
  const runner = options.runner ?? createFakeRunner();
  const openDb = options.openDb ?? createFakeOpenDb(CONFLUENCE_TABLES);
  const plan = createPacingPlan({ budget: config.impactBudget, fixedShare: config.fixedShare, cores: 8, databaseLocal: true });
  const kernel = createKernel({ config, store, runner, openDb, host, product: confluence, pacing: { plan, openMonitor: options.openMonitor } });
  return { kernel, store, runner, host, openDb, config };
}

/** Waits (on real time, bounded) until `check` stops throwing; returns its last result. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
