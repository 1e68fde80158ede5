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
  const m: Memory = {
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
  };
  const baseline = () => (m.windows.length === 0 ? null : Math.exp(trimmedMean(m.windows.flat())));
  const slowdownOf = (ms: number | null) => {
    const base = baseline();
    return ms === null || base === null || base <= 0 ? null : ms / base - 1;
  };

  const remember = (reading: SiteReading, nowMs: number) => {
    for (const value of reading.probesMs) m.recent.push({ atMs: nowMs, value });
    if (reading.activity !== null) m.activity.push({ atMs: nowMs, value: reading.activity });
    while (m.recent.length > 0 && m.recent[0].atMs <= nowMs - tuning.spikeWindowMs) m.recent.shift();
    while (m.activity.length > 0 && m.activity[0].atMs <= nowMs - tuning.idleAfterMs) m.activity.shift();
  };

  const meanActivity = (nowMs: number, spanMs: number): number | null => {
    const inSpan = m.activity.filter((a) => a.atMs > nowMs - spanMs);
    return inSpan.length === 0 ? null : inSpan.reduce((sum, a) => sum + a.value, 0) / inSpan.length;
  };

  /** Busy is said fast (half a second of the site's queries), idle slowly (two seconds without); never without activity readings. */
  const siteIsIdle = (nowMs: number): boolean => {
    const short = meanActivity(nowMs, tuning.spikeWindowMs);
    const long = meanActivity(nowMs, tuning.idleAfterMs);
    if (short === null || long === null) return false;
    if (m.state === 'idle-site') return short < tuning.busyAbove && long < tuning.idleBelow;
    const seenLongEnough = !m.started || nowMs - m.activity[0].atMs >= tuning.idleAfterMs - tuning.spikeWindowMs;
    return seenLongEnough && long < tuning.idleBelow && short < tuning.idleBelow;
  };

  const startQuiet = (nowMs: number, reason: string) => {
    m.state = 'measuring';
    m.quietStartMs = nowMs;
    m.quietProbes = [];
    m.reason = reason;
  };

  const startEpoch = (nowMs: number) => {
    m.epochStartMs = nowMs;
    m.epochProbes = [];
  };

  const toIdle = () => {
    m.state = 'idle-site';
    m.reason = null;
  };

  /** Idle → busy: what was learned about an idle site says nothing about a busy one. */
  const toBusy = (nowMs: number) => {
    m.windows = [];
    m.pace = tuning.startPace;
    m.slowStart = true;
    m.currentMs = null;
    startQuiet(nowMs, "the site's database got busy: measuring its latency without the export");
  };

  const measure = (reading: SiteReading, nowMs: number) => {
    const start = m.quietStartMs ?? nowMs;
    if (nowMs - start > tuning.drainMs) m.quietProbes.push(...reading.probesMs.map(Math.log));
    const over = nowMs - start >= tuning.drainMs + tuning.quietMs;
    const enough = m.quietProbes.length >= tuning.minQuietProbes;
    // A site that cannot be probed (the monitor's connection refused) is not held forever: the export
    // goes on at the pace it had, without steering, until a later window can measure.
    if (!over || (!enough && nowMs - start < tuning.drainMs + 3 * tuning.quietMs)) return;
    if (enough) m.windows = nextWindows(m.windows, m.quietProbes, tuning.baselineWindows, settings.budget / 2);
    m.lastQuietEndMs = nowMs;
    m.quietStartMs = null;
    m.state = 'steering';
    m.reason = enough || m.windows.length > 0 ? null : "cannot time the site's queries: going on at a tenth of an entity, unsteered";
    startEpoch(nowMs);
  };

  const setPace = (nowMs: number, pace: number) => {
    const next = Math.min(settings.maxPace, Math.max(tuning.minPace, pace));
    if (next < m.pace) {
      m.slowStart = false;
      m.lastCutMs = nowMs;
    }
    m.pace = next;
    startEpoch(nowMs);
  };

  const spike = (nowMs: number): boolean => {
    const base = baseline();
    if (base === null || m.recent.length < tuning.minSpikeProbes || nowMs - m.lastCutMs < tuning.spikeWindowMs) return false;
    const logs = m.recent.map((r) => Math.log(r.value));
    const recentMs = Math.exp(trimmedMean(logs));
    const limit = Math.max(Math.log1p(tuning.spikeRise), Math.log1p(4 * settings.budget), 3 * Math.hypot(standardError(logs), standardError(m.windows.flat())));
    if (Math.log(recentMs / base) <= limit) return false;
    m.currentMs = recentMs;
    m.reason = `the site slowed by ${percent(recentMs / base - 1)} (probe ${ms(recentMs)} against ${ms(base)}): backing off`;
    setPace(nowMs, m.pace / 2);
    return true;
  };

  /** LEDBAT's rule: the pace moves in proportion to how far the slowdown is from the aim, in budgets. */
  const endEpoch = (nowMs: number) => {
    if (nowMs - m.epochStartMs < tuning.epochMs || m.epochProbes.length < tuning.minEpochProbes || baseline() === null) return;
    m.currentMs = Math.exp(trimmedMean(m.epochProbes));
    const slowdown = slowdownOf(m.currentMs) ?? 0;
    const error = Math.max(-2, Math.min(1, (tuning.aimAt * settings.budget - slowdown) / settings.budget));
    const doubling = m.slowStart && slowdown < tuning.aimAt * settings.budget;
    const scatter = Math.hypot(standardError(m.epochProbes), standardError(m.windows.flat()));
    const far = Math.log1p(slowdown) - 2 * scatter > Math.log1p(tuning.farOver * settings.budget);
    const factor = doubling
      ? 2
      : far
        ? Math.max(0.5, (tuning.aimAt * settings.budget) / slowdown)
        : Math.exp((error < 0 ? tuning.fallGain : tuning.riseGain) * error);
    const seen = `the site is ${percent(slowdown)} slower (probe ${ms(m.currentMs)} against ${ms(baseline() ?? 0)}; budget ${percent(settings.budget)})`;
    setPace(nowMs, m.pace * factor);
    m.reason = m.pace >= settings.maxPace ? null : `${seen}: ${factor < 1 ? 'slowing down' : 'speeding up'}`;
  };

  const steer = (reading: SiteReading, nowMs: number) => {
    if (nowMs - m.epochStartMs > tuning.settleMs) m.epochProbes.push(...reading.probesMs.map(Math.log));
    if (spike(nowMs)) return;
    endEpoch(nowMs);
    if (nowMs - m.lastQuietEndMs >= tuning.quietEveryMs) startQuiet(nowMs, "measuring the site's latency without the export");
  };

  const decide = (): GovernorDecision => ({
    pace: m.state === 'idle-site' ? settings.maxPace : m.pace,
    hold: m.state === 'measuring',
    state: m.state,
    baselineMs: baseline(),
    currentMs: m.currentMs,
    slowdown: slowdownOf(m.currentMs),
    activity: m.activity.length === 0 ? null : m.activity[m.activity.length - 1].value,
    reason: m.reason,
  });

  return {
    observe(reading, nowMs) {
      remember(reading, nowMs);
      const idle = siteIsIdle(nowMs);
      if (!m.started) {
        m.started = true;
        if (idle) toIdle();
        else startQuiet(nowMs, "measuring the site's latency before exporting");
      } else if (m.state === 'idle-site' && !idle) toBusy(nowMs);
      else if (m.state !== 'idle-site' && idle) toIdle();
      else if (m.state === 'measuring') measure(reading, nowMs);
      else if (m.state === 'steering') steer(reading, nowMs);
      return decide();
    },
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
