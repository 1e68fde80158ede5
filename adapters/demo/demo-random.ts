// Seeded randomness and dates for the demo site: the same seed and start time give the same site.

export type DemoRow = Record<string, string | number | null>;

export interface DemoRandom {
  /** A number in [0, 1). */
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** 32 hex digits, the shape of a Confluence user key. */
  hex32(): string;
}

/** mulberry32: numbers in [0, 1), tiny, fast and good enough to make a site look varied (not for secrets). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRandom(seed: number): DemoRandom {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
    hex32: () => Array.from({ length: 4 }, () => int(0, 0xffffffff).toString(16).padStart(8, '0')).join(''),
  };
}

export const DAY_MS = 86_400_000;

/** A `timestamp without time zone` value: the demo's dates are UTC wall-clock times (SOURCE_TIMEZONE's default). */
export function sqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** An instant between `fromMs` and `toMs`, leaning towards `toMs` when `recent` is above 1. */
export function between(random: DemoRandom, fromMs: number, toMs: number, recent = 1): number {
  return Math.floor(fromMs + (toMs - fromMs) * random.next() ** (1 / recent));
}
