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
//
// How it steers (LEDBAT's target on added delay, TCP's slow start): the pace is held for an epoch of two
// seconds and the epoch's latency compared with the baseline; the pace then moves in proportion to how
// far the slowdown is from the aim (a little under the budget: measurements scatter), gently, since one
// epoch's measurement scatters, so it settles instead of sawing. Until the first fall, a site that shows no slowdown at
// all doubles the pace each epoch. A spike (the last half second far above the baseline) halves the pace
// at once.

/** What the site monitor measured since the last reading. */
export interface SiteReading {
  /** Latencies of the probe queries that finished, in ms. */
  probesMs: readonly number[];
  /** Average number of the site's own queries running at once, or null where the database does not tell. */
  activity: number | null;
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
  /** currentMs against baselineMs: 0.03 = the site is 3% slower. */
  slowdown: number | null;
  activity: number | null;
  /** Why the export goes slower than flat out; null when it does not. */
  reason: string | null;
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
  minQuietProbes: 10,
  // A new quiet window this often while steering: the baseline follows the site's own drift.
  quietEveryMs: 15_000,
  // The baseline pools the probes of the last few windows: half a minute of the site's own latency.
  baselineWindows: 3,
  // A pace is judged over this long, after letting its effect settle.
  epochMs: 2000,
  settleMs: 250,
  minEpochProbes: 20,
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
  minSpikeProbes: 8,
  // An epoch surely this many budgets over (by two standard errors) jumps straight to the pace that would
  // meet the aim if the slowdown grew with the pace in proportion (at most halving): no need to creep.
  farOver: 2,
  // The site's database is idle below this many of its queries at once on average over 2 s, and busy
  // again from this many over half a second: an idle site is exported flat out.
  idleBelow: 0.1,
  busyAbove: 0.25,
  idleAfterMs: 2000,
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
  currentMs: number | null;
  reason: string | null;
  started: boolean;
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
      currentMs: null,
      reason: null,
      started: false,
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

function remember(g: Steering, reading: SiteReading, nowMs: number) {
  for (const value of reading.probesMs) g.m.recent.push({ atMs: nowMs, value });
  if (reading.activity !== null) g.m.activity.push({ atMs: nowMs, value: reading.activity });
  while (g.m.recent.length > 0 && g.m.recent[0].atMs <= nowMs - g.tuning.spikeWindowMs) g.m.recent.shift();
  while (g.m.activity.length > 0 && g.m.activity[0].atMs <= nowMs - g.tuning.idleAfterMs) g.m.activity.shift();
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

function setPace(g: Steering, nowMs: number, pace: number) {
  const next = Math.min(g.settings.maxPace, Math.max(g.tuning.minPace, pace));
  if (next < g.m.pace) {
    g.m.slowStart = false;
    g.m.lastCutMs = nowMs;
  }
  g.m.pace = next;
  startEpoch(g, nowMs);
}

function spike(g: Steering, nowMs: number): boolean {
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
  g.m.reason = `the site slowed by ${percent(recentMs / base - 1)} (probe ${ms(recentMs)} against ${ms(base)}): backing off`;
  setPace(g, nowMs, g.m.pace / 2);
  return true;
}

/** LEDBAT's rule: the pace moves in proportion to how far the slowdown is from the aim, in budgets. */
function endEpoch(g: Steering, nowMs: number) {
  if (nowMs - g.m.epochStartMs < g.tuning.epochMs || g.m.epochProbes.length < g.tuning.minEpochProbes || baseline(g) === null) return;
  g.m.currentMs = Math.exp(trimmedMean(g.m.epochProbes));
  const slowdown = slowdownOf(g, g.m.currentMs) ?? 0;
  const error = Math.max(-2, Math.min(1, (g.tuning.aimAt * g.settings.budget - slowdown) / g.settings.budget));
  const doubling = g.m.slowStart && slowdown < g.tuning.aimAt * g.settings.budget;
  const scatter = Math.hypot(standardError(g.m.epochProbes), standardError(g.m.windows.flat()));
  const far = Math.log1p(slowdown) - 2 * scatter > Math.log1p(g.tuning.farOver * g.settings.budget);
  const factor = doubling
    ? 2
    : far
      ? Math.max(0.5, (g.tuning.aimAt * g.settings.budget) / slowdown)
      : Math.exp((error < 0 ? g.tuning.fallGain : g.tuning.riseGain) * error);
  const seen = `the site is ${percent(slowdown)} slower (probe ${ms(g.m.currentMs)} against ${ms(baseline(g) ?? 0)}; budget ${percent(g.settings.budget)})`;
  setPace(g, nowMs, g.m.pace * factor);
  g.m.reason = g.m.pace >= g.settings.maxPace ? null : `${seen}: ${factor < 1 ? 'slowing down' : 'speeding up'}`;
}

function steer(g: Steering, reading: SiteReading, nowMs: number) {
  if (nowMs - g.m.epochStartMs > g.tuning.settleMs) g.m.epochProbes.push(...reading.probesMs.map(Math.log));
  if (spike(g, nowMs)) return;
  endEpoch(g, nowMs);
  if (nowMs - g.m.lastQuietEndMs >= g.tuning.quietEveryMs) startQuiet(g, nowMs, "measuring the site's latency without the export");
}

function observe(g: Steering, reading: SiteReading, nowMs: number): GovernorDecision {
  remember(g, reading, nowMs);
  const idle = siteIsIdle(g, nowMs);
  if (!g.m.started) {
    g.m.started = true;
    if (idle) toIdle(g);
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
    slowdown: slowdownOf(g, g.m.currentMs),
    activity: g.m.activity.length === 0 ? null : g.m.activity[g.m.activity.length - 1].value,
    reason: g.m.reason,
  };
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
