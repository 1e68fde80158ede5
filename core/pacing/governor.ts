// The governor (SPEC section 8): steers the export's pace so that the site slows down by less than the
// budget, and takes whatever the site leaves idle. Pure: fed a reading of the site every tick, it
// answers with the pace and whether to hold every entity for a moment.
//
// What it measures, and why:
// - The site's latency: a cheap real query (a primary-key lookup on a site table) timed many times a
//   second, against a baseline learned in quiet windows, short holds of all export work (as BBR's ProbeRTT
//   drains its own queue to see the path's base delay). The baseline follows the site's own drift, and the
//   slowdown is the rise the export causes, which is what the site's users feel: CPU taken, queueing,
//   cached pages pushed out.
// - The site's activity: how many of the site's own queries run at once (the export's left out). Nobody
//   is slowed down on a site whose database is idle: the export runs flat out there, and falls back the
//   moment the site's queries return.
// - Where the database runs on this machine, the CPU the export takes from the site. A probe does not
//   see it: it sleeps between lookups, and the scheduler favours a thread that wakes from sleep, so the
//   probes of a site whose cores are all busy stay fast while the site's own busy threads lose what the
//   export takes (measured: probes 1–7% faster during exports that cost a saturated site 6–7%). When no
//   core is idle, every core-second the export spends, in its own threads and in its queries in the
//   database, is one the site waits for: the site is slower by the export's cores over the site's own.
//   The export's threads run at the lowest priority, but Linux weighs priorities only inside one
//   session's group of processes (autogroups): against a database in a session of its own they still
//   took 0.18 cores of a saturated two-core machine, and the site lost 11–17%. Idle cores are not free
//   either: they are the site's headroom, and the export's cores lengthen the queue its slow requests
//   wait in (`queueSlowdown`), which its p95 shows and the probes rarely catch.
// - Where the CPU is not read (a remote database), the export's work against the site's queries at once.
//   The probes are as blind there to the CPU the export takes (measured on a saturated two-core machine
//   addressed as remote: they saw 0-5.6% while the site lost up to 12%), and the database does not tell
//   its idle cores, so they are taken to be all busy whenever the site's queries run: the site loses what
//   the export's work adds to its own (`workSlowdownOf`). Sluice cannot tell which machine its own work
//   shares either (the database's, the application's), so an entity's whole working time counts, not
//   only its queries'.
//
// How it steers (LEDBAT's target on added delay, TCP's slow start): the pace is held for an epoch of two
// seconds and the epoch's latency compared with the baseline; the pace then moves in proportion to how
// far the slowdown is from the aim (a little under the budget: measurements scatter), gently, since one
// epoch's measurement scatters, so it settles instead of sawing. Until the first fall, a site that shows no slowdown at
// all doubles the pace each epoch. A spike (the last half second far above the baseline) halves the pace
// at once.
//
// Watching costs too: each of the monitor's queries takes about 1.6 ms of this process's CPU on a
// saturated two-core machine, ten a second 0.016 cores, three times what an export at the least pace
// spends on its rows. A slow export is watched less often (`samplingStretch`), which only slows how fast
// its pace can rise: the CPU, read from /proc every reading whatever the probes, still cuts it at once.

/** What the site monitor measured since the last reading. */
export interface SiteReading {
  /** Latencies of the probe queries that finished, in ms. */
  probesMs: readonly number[];
  /** Average number of the site's own queries running at once, or null where the database does not tell. */
  activity: number | null;
  /** The machine's CPU over the reading, where the database runs here and /proc tells. */
  cpu?: SiteCpu | null;
  /** The export's work that ran over the reading, in entities working flat out (0 while every entity held). */
  exportWork?: number | null;
}

/** The CPU of the machine the database runs on, over one reading, in cores. */
export interface SiteCpu {
  /** Cores no task wanted. */
  idleCores: number;
  /** Cores the site's own work used: everything busy but the export. */
  siteCores: number;
  /** Cores the export used: its own threads, and its queries in the database. */
  exportCores: number;
}

export interface GovernorSettings {
  /** SLUICE_IMPACT_BUDGET: the slowdown the site may feel, as a fraction. */
  budget: number;
  /** The most pace there is (entities × a whole duty cycle each). */
  maxPace: number;
}

export type GovernorState = 'idle-site' | 'measuring' | 'steering';

/** The governor's answer: how much export work may run, and what the status shows. */
export interface GovernorDecision {
  pace: number;
  /** Every entity holds still (the baseline is being measured). */
  hold: boolean;
  state: GovernorState;
  baselineMs: number | null;
  /** The current epoch's probe latency (median), or null before one is known. */
  currentMs: number | null;
  /** How much slower the site is (0.03 = 3%): the probes' latency against the baseline, or the CPU the export takes from it, whichever is more. */
  slowdown: number | null;
  /** The CPU part of it (`cpuSlowdownOf`); null where /proc does not tell. */
  cpuSlowdown: number | null;
  activity: number | null;
  /** Why the export goes slower than flat out; null when it does not. */
  reason: string | null;
  /**
   * How many times its usual gap the site monitor may leave between samples (1: as usual). A crawling
   * export's rows cost less than watching the site does, so while the machine's CPU is read it is
   * watched less often; never while a quiet window measures the baseline, nor where the probes are all
   * there is.
   */
  samplingStretch: number;
}

export interface Governor {
  /** Feeds one reading taken at `nowMs`; returns what to do until the next one. */
  observe(reading: SiteReading, nowMs: number): GovernorDecision;
}

export const GOVERNOR_TUNING = {
  // Where a busy site's export starts, before it knows anything: a tenth of one entity's time.
  startPace: 0.1,
  // The least pace: an export on a struggling site still makes progress, 1% of one entity's time.
  minPace: 0.01,
  // A quiet window: entities finish their chunk in flight, then the probes time the site alone.
  drainMs: 300,
  quietMs: 1000,
  minQuietProbes: 6,
  // A new quiet window this often while steering: the baseline follows the site's own drift.
  quietEveryMs: 15_000,
  // The baseline pools the probes of the last few windows: half a minute of the site's own latency.
  baselineWindows: 3,
  // A pace is judged over this long, after letting its effect settle.
  epochMs: 2000,
  settleMs: 250,
  minEpochProbes: 10,
  // The slowdown aimed at, as a share of the budget: measurements scatter, and the site's average must stay under it.
  aimAt: 0.7,
  // How hard an epoch's error (in budgets) moves the pace, as the exponent of its factor: gently, since
  // one epoch's slowdown scatters by about as much as the budget; spikes have their own rule.
  fallGain: 0.12,
  riseGain: 0.12,
  // A spike: the last half second's median this far over the baseline (or 4 budgets, or 3 standard
  // errors of the probes, whichever is more) halves the pace at once.
  spikeWindowMs: 500,
  spikeRise: 0.2,
  minSpikeProbes: 3,
  // Idle cores below this many mean the export takes CPU from the site, and from `saturatedIdleCores` down
  // all of it; above it, none (a gradual change between). A saturated site still shows a few idle cores: on
  // the benchmark's closed-loop load 0.04-0.12 of two, the gaps of its round trips, which the export's work
  // does not fill for free (1.12 cores of export cost that load 65% of its throughput, 0.58 a core).
  // Discounting the export's share over all of the quarter core, as the rule first did, let that site lose
  // 5-10% at a 5% budget. The site's cores count at least `minSiteCores`, so a site that hardly works is
  // not said to be slowed by thousands of percent.
  idleCores: 0.25,
  saturatedIdleCores: 0.15,
  minSiteCores: 0.1,
  // The queue rule (`queueSlowdown`): one request's own work, as a share of its mean, beside its 95th
  // percentile of waiting; and the busiest the machine is taken to be (a queue at 1 never empties).
  queueWorkShare: 1,
  maxQueueLoad: 0.98,
  // An epoch surely this many budgets over (by two standard errors) jumps straight to the pace that would
  // meet the aim if the slowdown grew with the pace in proportion (at most halving): no need to creep.
  farOver: 2,
  // Where the CPU is not read: the site's queries at once are averaged over this long (a sample often
  // misses a busy site's short queries, and the export's work is weighed against the average), and count
  // at least this many, so a site that hardly queries does not hold the export at nothing.
  siteQueriesWindowMs: 10_000,
  minSiteQueries: 0.25,
  // The site's database is idle below this many of its queries at once on average over 2 s, and busy
  // again from this many over half a second: an idle site is exported flat out.
  idleBelow: 0.1,
  busyAbove: 0.25,
  idleAfterMs: 2000,
  // Where /proc tells, the first decision also needs the site's own work on this machine under this many
  // cores: the monitor's first activity samples can all miss a saturated site's short queries (3 of 9
  // benchmark rounds on a saturated site started flat out, six samples over 100 ms seeing none of its 4
  // connections at work), while the machine's busy cores over the same opening do not: besides the
  // export, 1.2-1.9 of 2 on that site and -0.2-0.4 on the same site idle, over 50 ms openings, 12 each.
  startBusyCores: 0.75,
  // Below this pace, where the export's share is read, the monitor samples less often, in proportion, up to
  // `maxSamplingStretch` times its usual gap: at the least pace a quarter as often. An epoch still waits
  // for its probes, so there it lasts about 6 s instead of 2.
  fullSamplingPace: 0.04,
  maxSamplingStretch: 4,
} as const;

export type GovernorTuning = { readonly [K in keyof typeof GOVERNOR_TUNING]: number };

interface Timed {
  atMs: number;
  value: number;
}

/** A governor's settings and what it keeps between readings. */
interface Steering {
  settings: GovernorSettings;
  tuning: GovernorTuning;
  m: Memory;
}

/** What the governor keeps between readings. */
interface Memory {
  state: GovernorState;
  pace: number;
  /** Until the first fall the pace doubles on a site that shows no slowdown (TCP's slow start). */
  slowStart: boolean;
  /** The last quiet windows' probes, as logarithms (latency scatters multiplicatively). */
  windows: number[][];
  quietStartMs: number | null;
  quietProbes: number[];
  lastQuietEndMs: number;
  epochStartMs: number;
  epochProbes: number[];
  lastCutMs: number;
  recent: Timed[];
  activity: Timed[];
  /** The part of the slowdown the export's share makes (its CPU, or where that is not read its work), per reading, over the last half second; and the CPU and the work over the epoch. */
  recentShare: Timed[];
  epochCpu: SiteCpu[];
  epochWork: number[];
  slowdown: number | null;
  cpuSlowdown: number | null;
  currentMs: number | null;
  reason: string | null;
  started: boolean;
  /** The last reading had the machine's CPU. */
  cpuRead: boolean;
  /** The last reading told the export's share: its CPU, or where that is not read, its work beside the site's queries. */
  shareRead: boolean;
}

export function createGovernor(settings: GovernorSettings, tuning: GovernorTuning = GOVERNOR_TUNING): Governor {
  const g: Steering = {
    settings,
    tuning,
    m: {
      state: 'measuring',
      pace: tuning.startPace,
      slowStart: true,
      windows: [],
      quietStartMs: null,
      quietProbes: [],
      lastQuietEndMs: 0,
      epochStartMs: 0,
      epochProbes: [],
      lastCutMs: Number.NEGATIVE_INFINITY,
      recent: [],
      activity: [],
      recentShare: [],
      epochCpu: [],
      epochWork: [],
      slowdown: null,
      cpuSlowdown: null,
      currentMs: null,
      reason: null,
      started: false,
      cpuRead: false,
      shareRead: false,
    },
  };
  return {
    observe(reading, nowMs) {
      return observe(g, reading, nowMs);
    },
  };
}

function baseline(g: Steering) {
  return g.m.windows.length === 0 ? null : Math.exp(trimmedMean(g.m.windows.flat()));
}

function slowdownOf(g: Steering, ms: number | null) {
  const base = baseline(g);
  return ms === null || base === null || base <= 0 ? null : ms / base - 1;
}

/**
 * The slowdown the export causes by taking CPU from the site, or null where the reading has no CPU: the
 * more of two rules. Where no core is idle, the site loses the export's cores out of its own (a closed
 * loop's throughput). Where cores are idle, they are the site's headroom, and taking them lengthens its
 * queue: its slow requests, which its p95 measures, wait longer (`queueSlowdown`).
 */
function cpuSlowdownOf(g: Steering, cpu: SiteCpu | null | undefined): number | null {
  if (cpu === null || cpu === undefined) return null;
  const { idleCores, saturatedIdleCores } = g.tuning;
  const pressure = Math.min(1, Math.max(0, (idleCores - cpu.idleCores) / (idleCores - saturatedIdleCores)));
  const share = (Math.max(0, cpu.exportCores) * pressure) / Math.max(g.tuning.minSiteCores, cpu.siteCores);
  return Math.max(share, queueSlowdown(cpu, g.tuning));
}

// The slow requests the site's p95 counts: the slowest 5%.
const SLOWEST = 0.05;

/**
 * How much longer the site's slow requests take when the export's cores join the site's own on the
 * machine, read as a queue of c servers (Erlang's C formula): its 95th percentile of waiting, plus one
 * request's mean work, with the export against without. Measured on the benchmark's half load (one core
 * of two busy, open loop at half the saturated rate), the export held to 0.16 and 0.32 cores (fixed
 * shares of 0.08 and 0.16) raised the site's p95 by 41% and 102%, where this reads 22% and 54%, and the
 * governor that let the export take the idle core (0.64 of an entity) raised it 47-131%; at 0.36 cores
 * busy (a tenth of the rate), 0.08 cores raised it by 29%, where this reads 23%. The probes did not see
 * it: a few percent of the site's requests are delayed, and seven probes a second rarely are one. On
 * many cores the rule hardly binds: 32 cores half busy leave the export 6 of them before the tail grows.
 */
function queueSlowdown(cpu: SiteCpu, tuning: GovernorTuning): number {
  const cores = Math.max(1, Math.round(cpu.idleCores + cpu.siteCores + cpu.exportCores));
  const site = Math.max(0, cpu.siteCores) / cores;
  const all = site + Math.max(0, cpu.exportCores) / cores;
  const tail = (load: number) => {
    const busy = Math.min(tuning.maxQueueLoad, load);
    const waiting = Math.max(0, Math.log(erlangC(cores, busy) / SLOWEST)) / (cores * (1 - busy));
    return tuning.queueWorkShare + waiting;
  };
  return tail(all) / tail(site) - 1;
}

/** The chance that a request waits in a queue of `servers` at `load` (a share of them busy), by Erlang's B recurrence. */
export function erlangC(servers: number, load: number): number {
  const offered = servers * load;
  let blocked = 1;
  for (let k = 1; k <= servers; k++) blocked = (offered * blocked) / (k + offered * blocked);
  return blocked / (1 - load * (1 - blocked));
}

/**
 * The slowdown the export's work causes where the CPU is not read, or null where the database does not tell
 * the site's queries (or the export's work is not known): every core taken to be busy while the site's
 * queries run, the site loses the export's work beside its own queries at once.
 */
function workSlowdownOf(g: Steering, work: number | null | undefined, nowMs: number): number | null {
  const site = meanActivity(g, nowMs, g.tuning.siteQueriesWindowMs);
  if (work === null || work === undefined || site === null) return null;
  return Math.max(0, work) / Math.max(g.tuning.minSiteQueries, site);
}

function remember(g: Steering, reading: SiteReading, nowMs: number) {
  for (const value of reading.probesMs) g.m.recent.push({ atMs: nowMs, value });
  if (reading.activity !== null) g.m.activity.push({ atMs: nowMs, value: reading.activity });
  g.m.cpuRead = reading.cpu !== null && reading.cpu !== undefined;
  const share = g.m.cpuRead ? cpuSlowdownOf(g, reading.cpu) : workSlowdownOf(g, reading.exportWork, nowMs);
  g.m.shareRead = share !== null;
  if (share !== null) g.m.recentShare.push({ atMs: nowMs, value: share });
  const { spikeWindowMs, idleAfterMs, siteQueriesWindowMs } = g.tuning;
  while (g.m.recent.length > 0 && g.m.recent[0].atMs <= nowMs - spikeWindowMs) g.m.recent.shift();
  while (g.m.recentShare.length > 0 && g.m.recentShare[0].atMs <= nowMs - spikeWindowMs) g.m.recentShare.shift();
  while (g.m.activity.length > 0 && g.m.activity[0].atMs <= nowMs - Math.max(idleAfterMs, siteQueriesWindowMs)) g.m.activity.shift();
}

function meanActivity(g: Steering, nowMs: number, spanMs: number): number | null {
  const inSpan = g.m.activity.filter((a) => a.atMs > nowMs - spanMs);
  return inSpan.length === 0 ? null : inSpan.reduce((sum, a) => sum + a.value, 0) / inSpan.length;
}

/** Busy is said fast (half a second of the site's queries), idle slowly (two seconds without); never without activity readings. */
function siteIsIdle(g: Steering, nowMs: number): boolean {
  const short = meanActivity(g, nowMs, g.tuning.spikeWindowMs);
  const long = meanActivity(g, nowMs, g.tuning.idleAfterMs);
  if (short === null || long === null) return false;
  if (g.m.state === 'idle-site') return short < g.tuning.busyAbove && long < g.tuning.idleBelow;
  const seenLongEnough = !g.m.started || nowMs - g.m.activity[0].atMs >= g.tuning.idleAfterMs - g.tuning.spikeWindowMs;
  return seenLongEnough && long < g.tuning.idleBelow && short < g.tuning.idleBelow;
}

function startQuiet(g: Steering, nowMs: number, reason: string) {
  g.m.state = 'measuring';
  g.m.quietStartMs = nowMs;
  g.m.quietProbes = [];
  g.m.reason = reason;
}

function startEpoch(g: Steering, nowMs: number) {
  g.m.epochStartMs = nowMs;
  g.m.epochProbes = [];
  g.m.epochCpu = [];
  g.m.epochWork = [];
}

function toIdle(g: Steering) {
  g.m.state = 'idle-site';
  g.m.reason = null;
}

/** Idle → busy: what was learned about an idle site says nothing about a busy one. */
function toBusy(g: Steering, nowMs: number) {
  g.m.windows = [];
  g.m.pace = g.tuning.startPace;
  g.m.slowStart = true;
  g.m.currentMs = null;
  g.m.slowdown = null;
  g.m.cpuSlowdown = null;
  startQuiet(g, nowMs, "the site's database got busy: measuring its latency without the export");
}

function measure(g: Steering, reading: SiteReading, nowMs: number) {
  const start = g.m.quietStartMs ?? nowMs;
  if (nowMs - start > g.tuning.drainMs) g.m.quietProbes.push(...reading.probesMs.map(Math.log));
  const over = nowMs - start >= g.tuning.drainMs + g.tuning.quietMs;
  const enough = g.m.quietProbes.length >= g.tuning.minQuietProbes;
  // A site that cannot be probed (the monitor's connection refused) is not held forever: the export
  // goes on at the pace it had, without steering, until a later window can measure.
  if (!over || (!enough && nowMs - start < g.tuning.drainMs + 3 * g.tuning.quietMs)) return;
  if (enough) g.m.windows = nextWindows(g.m.windows, g.m.quietProbes, g.tuning.baselineWindows, g.settings.budget / 2);
  g.m.lastQuietEndMs = nowMs;
  g.m.quietStartMs = null;
  g.m.state = 'steering';
  g.m.reason = enough || g.m.windows.length > 0 ? null : "cannot time the site's queries: going on at a tenth of an entity, unsteered";
  startEpoch(g, nowMs);
}

/** What a new pace did, as the status's reason ends. */
type PaceMove = 'speeding up' | 'holding' | 'slowing down' | 'at the least pace';

/** Moves the pace within its bounds and starts an epoch; returns what the move was. */
function setPace(g: Steering, nowMs: number, pace: number): PaceMove {
  const next = Math.min(g.settings.maxPace, Math.max(g.tuning.minPace, pace));
  const previous = g.m.pace;
  if (next < previous) {
    g.m.slowStart = false;
    g.m.lastCutMs = nowMs;
  }
  g.m.pace = next;
  startEpoch(g, nowMs);
  // A cut asked for at the least pace changes nothing: the export still makes progress there.
  if (pace < previous && next >= previous) return 'at the least pace';
  return Math.abs(next / previous - 1) < 0.01 ? 'holding' : next < previous ? 'slowing down' : 'speeding up';
}

/**
 * The export takes far more from the site than the budget allows (a load arrived, the cores filled; or
 * where the CPU is not read, the site's queries thinned out): the pace falls at once to what the share
 * says would meet the aim, since the export's CPU, and its work, grow with the pace in proportion.
 */
function shareSpike(g: Steering, nowMs: number): boolean {
  if (g.m.recentShare.length < 2 || nowMs - g.m.lastCutMs < g.tuning.spikeWindowMs) return false;
  const recent = g.m.recentShare.reduce((sum, c) => sum + c.value, 0) / g.m.recentShare.length;
  if (recent <= Math.max(g.tuning.spikeRise, 4 * g.settings.budget)) return false;
  g.m.cpuSlowdown = g.m.cpuRead ? recent : null;
  g.m.slowdown = recent;
  const move = setPace(g, nowMs, g.m.pace * Math.max(1 / 8, (g.tuning.aimAt * g.settings.budget) / recent));
  g.m.reason = `the export's ${g.m.cpuRead ? 'CPU' : "work beside the site's queries"} slows the site by ${percent(recent)}: ${backingOff(move)}`;
  return true;
}

/** A spike's cut as the status says it: backing off, unless the export already crawls at the least pace. */
function backingOff(move: PaceMove): string {
  return move === 'at the least pace' ? move : 'backing off';
}

function spike(g: Steering, nowMs: number): boolean {
  if (shareSpike(g, nowMs)) return true;
  const base = baseline(g);
  if (base === null || g.m.recent.length < g.tuning.minSpikeProbes || nowMs - g.m.lastCutMs < g.tuning.spikeWindowMs) return false;
  const logs = g.m.recent.map((r) => Math.log(r.value));
  const recentMs = Math.exp(trimmedMean(logs));
  const limit = Math.max(
    Math.log1p(g.tuning.spikeRise),
    Math.log1p(4 * g.settings.budget),
    3 * Math.hypot(standardError(logs), standardError(g.m.windows.flat())),
  );
  if (Math.log(recentMs / base) <= limit) return false;
  g.m.currentMs = recentMs;
  g.m.slowdown = recentMs / base - 1;
  const move = setPace(g, nowMs, g.m.pace / 2);
  g.m.reason = `the site slowed by ${percent(recentMs / base - 1)} (probe ${ms(recentMs)} against ${ms(base)}): ${backingOff(move)}`;
  return true;
}

/** LEDBAT's rule: the pace moves in proportion to how far the probes' slowdown is from the aim, in budgets. */
function probeFactor(g: Steering, probed: number): number {
  const aim = g.tuning.aimAt * g.settings.budget;
  if (g.m.slowStart && probed < aim) return 2;
  const scatter = Math.hypot(standardError(g.m.epochProbes), standardError(g.m.windows.flat()));
  if (Math.log1p(probed) - 2 * scatter > Math.log1p(g.tuning.farOver * g.settings.budget)) return Math.max(0.5, aim / probed);
  const error = Math.max(-2, Math.min(1, (aim - probed) / g.settings.budget));
  return Math.exp((error < 0 ? g.tuning.fallGain : g.tuning.riseGain) * error);
}

/**
 * The CPU's rule, where /proc tells: the CPU share is a clock, not a sample of latencies, so it can be
 * followed closely. With idle cores beyond the few kept free, the pace rises to take half of them (at most
 * doubling). Otherwise it moves by the square root of the aim over the share: once no core is idle the
 * share grows with the pace in proportion (less the monitor's fixed part, so a rise undershoots and
 * repeats), and the root damps each step, so it settles instead of sawing.
 */
function cpuFactor(g: Steering, cpu: SiteCpu, share: number): number {
  const aim = g.tuning.aimAt * g.settings.budget;
  const spare = cpu.idleCores - g.tuning.idleCores;
  if (share <= aim && spare > 0) return Math.min(2, 1 + (0.5 * spare) / Math.max(cpu.exportCores, 0.01));
  return shareFactor(g, share);
}

/** A share that grows with the pace in proportion (the export's CPU on a full machine, its work): the square root of the aim over it, damped so it settles. */
function shareFactor(g: Steering, share: number): number {
  const aim = g.tuning.aimAt * g.settings.budget;
  return Math.min(2, Math.max(0.5, Math.sqrt(aim / Math.max(share, aim / 4))));
}

function meanCpu(readings: readonly SiteCpu[]): SiteCpu {
  const mean = (pick: (c: SiteCpu) => number) => readings.reduce((sum, c) => sum + pick(c), 0) / readings.length;
  return { idleCores: mean((c) => c.idleCores), siteCores: mean((c) => c.siteCores), exportCores: mean((c) => c.exportCores) };
}

/**
 * Ends an epoch: the pace moves by the CPU's rule where the probes see no harm, else by whichever rule asks
 * for less; where the CPU is not read, by the probes' rule or the work's, whichever asks for less.
 */
function endEpoch(g: Steering, nowMs: number) {
  if (nowMs - g.m.epochStartMs < g.tuning.epochMs || g.m.epochProbes.length < g.tuning.minEpochProbes || baseline(g) === null) return;
  g.m.currentMs = Math.exp(trimmedMean(g.m.epochProbes));
  const probed = slowdownOf(g, g.m.currentMs) ?? 0;
  const cpu = g.m.epochCpu.length === 0 ? null : meanCpu(g.m.epochCpu);
  const work = cpu === null && g.m.epochWork.length > 0 ? g.m.epochWork.reduce((sum, w) => sum + w, 0) / g.m.epochWork.length : null;
  const workSlowdown = workSlowdownOf(g, work, nowMs);
  g.m.cpuSlowdown = cpu === null ? null : cpuSlowdownOf(g, cpu);
  g.m.slowdown = Math.max(probed, g.m.cpuSlowdown ?? workSlowdown ?? 0);
  const byProbes = probeFactor(g, probed);
  const byCpu = cpu === null ? Number.POSITIVE_INFINITY : cpuFactor(g, cpu, g.m.cpuSlowdown ?? 0);
  const byWork = workSlowdown === null ? Number.POSITIVE_INFINITY : shareFactor(g, workSlowdown);
  // Probes under the aim see no harm, and the CPU tells how much room there is: it sets the pace alone.
  const factor = cpu !== null && probed < g.tuning.aimAt * g.settings.budget ? byCpu : Math.min(byProbes, byCpu, byWork);
  const why =
    factor === byCpu
      ? `the export's CPU: its ${cpu?.exportCores.toFixed(2)} cores beside the site's ${cpu?.siteCores.toFixed(2)}, ${cpu?.idleCores.toFixed(2)} idle`
      : factor === byWork
        ? `the export's work: ${work?.toFixed(2)} entities beside the site's ${meanActivity(g, nowMs, g.tuning.siteQueriesWindowMs)?.toFixed(2)} queries at once`
        : `probe ${ms(g.m.currentMs)} against ${ms(baseline(g) ?? 0)}`;
  const seen = `the site is ${percent(g.m.slowdown)} slower (${why}; budget ${percent(g.settings.budget)})`;
  const move = setPace(g, nowMs, g.m.pace * factor);
  g.m.reason = g.m.pace >= g.settings.maxPace ? null : `${seen}: ${move}`;
}

function steer(g: Steering, reading: SiteReading, nowMs: number) {
  if (nowMs - g.m.epochStartMs > g.tuning.settleMs) {
    g.m.epochProbes.push(...reading.probesMs.map(Math.log));
    if (reading.cpu) g.m.epochCpu.push(reading.cpu);
    else if (reading.exportWork !== null && reading.exportWork !== undefined) g.m.epochWork.push(reading.exportWork);
  }
  if (spike(g, nowMs)) return;
  endEpoch(g, nowMs);
  if (nowMs - g.m.lastQuietEndMs >= g.tuning.quietEveryMs) startQuiet(g, nowMs, "measuring the site's latency without the export");
}

function observe(g: Steering, reading: SiteReading, nowMs: number): GovernorDecision {
  remember(g, reading, nowMs);
  const idle = siteIsIdle(g, nowMs);
  if (!g.m.started) {
    g.m.started = true;
    const siteCores = reading.cpu?.siteCores ?? 0;
    if (idle && siteCores < g.tuning.startBusyCores) toIdle(g);
    else if (idle) startQuiet(g, nowMs, `the site's work takes ${siteCores.toFixed(2)} cores of this machine: measuring its latency before exporting`);
    else startQuiet(g, nowMs, "measuring the site's latency before exporting");
  } else if (g.m.state === 'idle-site' && !idle) toBusy(g, nowMs);
  else if (g.m.state !== 'idle-site' && idle) toIdle(g);
  else if (g.m.state === 'measuring') measure(g, reading, nowMs);
  else if (g.m.state === 'steering') steer(g, reading, nowMs);
  return decide(g);
}

function decide(g: Steering): GovernorDecision {
  return {
    pace: g.m.state === 'idle-site' ? g.settings.maxPace : g.m.pace,
    hold: g.m.state === 'measuring',
    state: g.m.state,
    baselineMs: baseline(g),
    currentMs: g.m.currentMs,
    slowdown: g.m.slowdown,
    cpuSlowdown: g.m.cpuSlowdown,
    activity: g.m.activity.length === 0 ? null : g.m.activity[g.m.activity.length - 1].value,
    reason: g.m.reason,
    samplingStretch: samplingStretch(g),
  };
}

/**
 * Watch less often while the export crawls, where its share tells what it takes (its CPU, or its work
 * beside the site's queries): the share is read at every tick whatever the sampling, and a share far over
 * the budget still cuts at once. As usual while measuring, or where only probes tell.
 */
function samplingStretch(g: Steering): number {
  if (g.m.state !== 'steering' || !g.m.shareRead) return 1;
  return Math.min(g.tuning.maxSamplingStretch, Math.max(1, g.tuning.fullSamplingPace / g.m.pace));
}

/**
 * The baseline's windows with a new one: the last few pooled, unless the new one is far from them (by
 * more than `apart`, as a fraction, and by more than three standard errors, so scatter alone never
 * does it): then the site itself changed, and the older windows are dropped.
 */
function nextWindows(windows: number[][], added: number[], keep: number, apart: number): number[][] {
  const pooled = windows.flat();
  if (pooled.length === 0) return [added];
  const gap = Math.abs(trimmedMean(added) - trimmedMean(pooled));
  const error = Math.hypot(standardError(added), standardError(pooled));
  return gap > Math.log1p(apart) && gap > 3 * error ? [added] : [...windows, added].slice(-keep);
}

/** The standard error of a sample's mean. */
function standardError(values: readonly number[]): number {
  if (values.length < 2) return Number.POSITIVE_INFINITY;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance / values.length);
}

/** The mean of the middle 80%: as efficient as a mean on well-behaved samples, as robust as a median to a few wild ones. */
function trimmedMean(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const cut = Math.floor(sorted.length * 0.1);
  const kept = sorted.subarray(cut, sorted.length - cut);
  let sum = 0;
  for (const v of kept) sum += v;
  return sum / kept.length;
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(Math.abs(fraction) < 0.1 ? 1 : 0)}%`;
const ms = (value: number) => `${value >= 10 ? value.toFixed(0) : value.toFixed(2)} ms`;
