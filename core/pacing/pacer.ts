// The job-side half of pacing: turns the plan and, when governed, the governor's pace into instructions
// for the running entities (how many run, each one's duty cycle, holds), and keeps what the job status
// shows. Each entity's worker carries its instructions out chunk by chunk (core/pacing/entity-pace.ts).
import { createGovernor, type GovernorDecision, type SiteCpu, type SiteReading } from './governor.ts';
import type { PacingPlan } from './plan.ts';
import type { MonitorReading, OpenSiteMonitor, SiteMonitor } from './site-monitor.ts';

/** What an entity is told: its share of wall-clock (or CPU) time, and whether to hold still. */
export interface PaceMessage {
  type: 'pace';
  dutyCycle: number;
  hold: boolean;
  /** Why it holds or goes slower than flat out, for its progress; null when it does not. */
  reason: string | null;
}

/** A running entity, as far as pacing is concerned. */
export interface Paced {
  send(message: PaceMessage): void;
}

/** What the job status shows of the pacing (progress.pacing), the console and the CLI read it. */
export interface PacingView {
  mode: PacingPlan['mode'];
  /** SLUICE_IMPACT_BUDGET, or the fixed share of the machine's cores. */
  budget: number | null;
  share: number | null;
  /** Entities working flat out that the pace allows now (0.5: one entity half of the time). */
  pace: number;
  state: GovernorDecision['state'] | null;
  baselineMs: number | null;
  currentMs: number | null;
  slowdown: number | null;
  /** The part of the slowdown from the CPU the export takes from the site, where /proc tells. */
  cpuSlowdown?: number | null;
  /** The site's own queries running at once, where the database tells. */
  activity: number | null;
  /** This machine's idle CPU cores, where /proc tells. */
  idleCores: number | null;
  reason: string | null;
}

export interface Pacer {
  /** Waits until the pace has room for one more entity; resolves with its first instructions. */
  admit(): Promise<PaceMessage>;
  /** A started entity obeys instructions from now on. */
  add(entity: Paced): void;
  /** An admitted entity ended (null when it never started): the next may start, the rest re-split. */
  done(entity: Paced | null): void;
  /**
   * Work of the job's own besides its entities (the row estimates): it is told what the first running entity
   * is told, without taking an entity's room. The returned function ends it.
   */
  helper(task: Paced): () => void;
  /**
   * What a running entity's queries have cost the database so far, in CPU ms (null where its connection's
   * server thread cannot be timed): the governor weighs it against the site's own CPU.
   */
  queryCpu(entity: Paced, totalMs: number | null): void;
  /** Starts measuring (governed mode only). */
  start(): void;
  stop(): Promise<void>;
  view(): PacingView;
}

export interface PacerOptions {
  plan: PacingPlan;
  openMonitor?: OpenSiteMonitor;
  /** How often the governor is fed a reading. */
  tickMs?: number;
  /** Called after every change of instructions, so the job can show them. */
  onChange?(view: PacingView): void;
}

// A reading every quarter second: the governor backs off a spike within about two of them.
const TICK_MS = 250;
// In a fixed share each running entity gets at least a tenth of a core: entities that share a thin
// share finish one after another rather than all crawling together.
const MIN_ENTITY_CORES = 0.1;

/** What a pacer keeps: the entities running, how many have room, and the governor's last answer. */
interface PacerState {
  readonly entities: Paced[];
  admitted: number;
  decision: GovernorDecision | null;
  idleCores: number | null;
  /**
   * What each running entity's queries had cost the database at its last report (0 before one; null when
   * they cannot be timed), and the CPU ms they added since the last reading.
   */
  readonly queryCpuMs: Map<Paced, number | null>;
  queryCpuSinceMs: number;
  /** The running entities' duty cycles added up (the export's work at once) since `workAtMs`, and that work over the time before it since the last reading (entity-ms). */
  working: number;
  workAtMs: number;
  workSinceMs: number;
}

export function createPacer(options: PacerOptions): Pacer {
  const { plan } = options;
  const s = initialState();
  const helpers = new Set<Paced>();
  const waiting: (() => void)[] = [];
  // What each running entity and helper was told last. The governor answers every tick, mostly with what it
  // said before: only a change is sent (a message costs both threads, and the entity reports back on each).
  const told = new Map<Paced, PaceMessage>();
  const tell = (to: Paced, message: PaceMessage) => {
    if (sameMessage(told.get(to), message)) return;
    told.set(to, message);
    to.send(message);
  };

  const broadcast = () => {
    const messages = setWork(plan, s);
    s.entities.forEach((entity, i) => tell(entity, messages[i]));
    for (const helper of helpers) tell(helper, messageFor(plan, s, 0, true));
    while (waiting.length > 0 && s.admitted < slots(plan, s)) {
      s.admitted++;
      waiting.shift()!();
    }
    options.onChange?.(viewOf(plan, s));
  };

  const steering =
    plan.mode === 'governed'
      ? steer(plan.budget, plan.maxEntities, options, s, (next, reading) => {
          s.decision = next;
          s.idleCores = reading?.idleCores ?? s.idleCores;
          broadcast();
        })
      : null;

  return {
    async admit() {
      if (s.admitted < slots(plan, s)) s.admitted++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      // Just admitted: it has room, though it is not running yet.
      return messageFor(plan, s, s.entities.length, true);
    },
    add(entity) {
      s.entities.push(entity);
      s.queryCpuMs.set(entity, 0);
      tell(entity, setWork(plan, s)[s.entities.length - 1]);
      if (plan.mode === 'fixed') broadcast();
    },
    done(entity) {
      const at = entity === null ? -1 : s.entities.indexOf(entity);
      if (at >= 0) s.entities.splice(at, 1);
      if (entity !== null) {
        s.queryCpuMs.delete(entity);
        told.delete(entity);
      }
      s.admitted--;
      broadcast();
    },
    helper(task) {
      helpers.add(task);
      tell(task, messageFor(plan, s, 0, true));
      return () => {
        helpers.delete(task);
        told.delete(task);
      };
    },
    queryCpu(entity, totalMs) {
      const last = s.queryCpuMs.get(entity);
      // A late report from an entity that has ended is not one of the running entities' costs.
      if (last === undefined) return;
      if (last !== null && totalMs !== null) s.queryCpuSinceMs += Math.max(0, totalMs - last);
      s.queryCpuMs.set(entity, totalMs);
    },
    start: () => steering?.start(),
    stop: async () => steering?.stop(),
    view: () => viewOf(plan, s),
  };
}

function initialState(): PacerState {
  return {
    entities: [],
    admitted: 0,
    decision: null,
    idleCores: null,
    queryCpuMs: new Map(),
    queryCpuSinceMs: 0,
    working: 0,
    workAtMs: Date.now(),
    workSinceMs: 0,
  };
}

function sameMessage(a: PaceMessage | undefined, b: PaceMessage): boolean {
  return a !== undefined && a.type === b.type && a.dutyCycle === b.dutyCycle && a.hold === b.hold && a.reason === b.reason;
}

/** How many entities may run now. */
function slots(plan: PacingPlan, s: PacerState): number {
  if (plan.mode === 'unlimited') return plan.maxEntities;
  if (plan.mode === 'fixed') return Math.min(plan.maxEntities, Math.max(1, Math.floor(plan.cores / MIN_ENTITY_CORES + 1e-9)));
  // Nothing starts while the governor holds: a starting thread's work would be measured as the site's own.
  if (s.decision === null || s.decision.hold) return Math.min(s.entities.length, s.admitted);
  return Math.min(plan.maxEntities, Math.max(1, Math.ceil(s.decision.pace - 1e-9)));
}

/** The instructions for the running entity at `index` (a helper gets the first one's, never a wait for room). */
function messageFor(plan: PacingPlan, s: PacerState, index: number, helper = false): PaceMessage {
  if (plan.mode === 'unlimited') return { type: 'pace', dutyCycle: 1, hold: false, reason: null };
  if (plan.mode === 'fixed') return { type: 'pace', dutyCycle: Math.min(1, plan.cores / Math.max(1, s.admitted)), hold: false, reason: null };
  const { decision } = s;
  if (decision === null || decision.hold) return { type: 'pace', dutyCycle: 0, hold: true, reason: decision?.reason ?? 'measuring the site' };
  const running = Math.min(s.entities.length, slots(plan, s));
  if (index >= running && !helper)
    return { type: 'pace', dutyCycle: 0, hold: true, reason: `waiting for room in the pace (${decision.pace.toFixed(2)} entities)` };
  return { type: 'pace', dutyCycle: Math.min(1, decision.pace / Math.max(1, running)), hold: false, reason: decision.reason };
}

function viewOf(plan: PacingPlan, s: PacerState): PacingView {
  const { decision } = s;
  return {
    mode: plan.mode,
    budget: plan.mode === 'governed' ? plan.budget : plan.mode === 'unlimited' ? 1 : null,
    share: plan.mode === 'fixed' ? plan.share : null,
    pace: plan.mode === 'governed' ? (decision?.hold ? 0 : (decision?.pace ?? 0)) : plan.mode === 'fixed' ? plan.cores : plan.maxEntities,
    state: decision?.state ?? null,
    baselineMs: decision?.baselineMs ?? null,
    currentMs: decision?.currentMs ?? null,
    slowdown: decision?.slowdown ?? null,
    cpuSlowdown: decision?.cpuSlowdown ?? null,
    activity: decision?.activity ?? null,
    idleCores: s.idleCores,
    reason: decision?.reason ?? null,
  };
}

/**
 * Feeds the governor a reading of the site every tick. Until the first reading (and whenever the monitor
 * cannot be opened) the governor knows nothing of the site: it treats it as busy and measures first.
 */
function steer(
  budget: number,
  maxPace: number,
  options: PacerOptions,
  s: PacerState,
  decided: (decision: GovernorDecision, reading: MonitorReading | null) => void,
) {
  const governor = createGovernor({ budget, maxPace });
  let monitor: SiteMonitor | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let lastTickMs = Date.now();
  const tick = async () => {
    let reading: MonitorReading | null = null;
    try {
      monitor ??= options.openMonitor ? await options.openMonitor() : null;
      reading = monitor?.take() ?? null;
    } catch {
      // The monitor's connection failed (killed, the server restarted): a new one at the next tick.
      const failed = monitor;
      monitor = null;
      await failed?.close().catch(() => undefined);
    }
    if (stopped) return;
    const nowMs = Date.now();
    const observed: SiteReading = {
      probesMs: reading?.probesMs ?? [],
      activity: reading?.activity ?? null,
      cpu: siteCpu(s, reading, nowMs - lastTickMs),
      exportWork: exportWork(s, nowMs, nowMs - lastTickMs),
    };
    lastTickMs = nowMs;
    const decision = governor.observe(observed, nowMs);
    monitor?.stretch(decision.samplingStretch);
    decided(decision, reading);
    timer = setTimeout(() => void tick(), options.tickMs ?? TICK_MS);
  };
  return {
    start() {
      void tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await monitor?.close().catch(() => undefined);
    },
  };
}

/** Adds the work at the running entities' duty cycles since it last changed. */
function clockWork(s: PacerState, nowMs: number) {
  s.workSinceMs += s.working * Math.max(0, nowMs - s.workAtMs);
  s.workAtMs = nowMs;
}

/** The running entities work at their instructions as they stand from now on; returns those instructions. */
function setWork(plan: PacingPlan, s: PacerState): PaceMessage[] {
  const messages = s.entities.map((_, i) => messageFor(plan, s, i));
  clockWork(s, Date.now());
  s.working = messages.reduce((sum, m) => sum + (m.hold ? 0 : m.dutyCycle), 0);
  return messages;
}

/** The export's work over the last reading: entities working flat out, on average (what the governor weighs where the CPU is not read). */
function exportWork(s: PacerState, nowMs: number, spanMs: number): number | null {
  clockWork(s, nowMs);
  const work = s.workSinceMs;
  s.workSinceMs = 0;
  return spanMs > 0 ? work / spanMs : null;
}

/**
 * The machine's CPU over the last reading as the governor weighs it, or null where it cannot: no /proc
 * (a remote database), or an entity whose queries cannot be timed.
 */
function siteCpu(s: PacerState, reading: MonitorReading | null, spanMs: number): SiteCpu | null {
  const queryMs = s.queryCpuSinceMs;
  s.queryCpuSinceMs = 0;
  const { idleCores = null, busyCores = null, sluiceCores = null } = reading ?? {};
  if (idleCores === null || busyCores === null || sluiceCores === null || spanMs <= 0) return null;
  if ([...s.queryCpuMs.values()].some((ms) => ms === null)) return null;
  const exportCores = sluiceCores + queryMs / spanMs;
  return { idleCores, siteCores: Math.max(0, busyCores - exportCores), exportCores };
}
