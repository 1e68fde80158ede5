// Seeded randomness and dates for the demo site: the same seed and start time give the same site.
import { createSeededRandom, type SeededRandom } from './seeded-random.ts';

export type DemoRow = Record<string, string | number | null>;

export interface DemoRandom extends SeededRandom {
  /** 32 hex digits, the shape of a Confluence user key. */
  hex32(): string;
}

export function createRandom(seed: number): DemoRandom {
  const random = createSeededRandom(seed);
  const hexWord = () => random.int(0, 0xffffffff).toString(16).padStart(8, '0');
  return { ...random, hex32: () => Array.from({ length: 4 }, hexWord).join('') };
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
