// Seeded randomness for the benchmark's site: the same scale gives the same site on every run, so
// runs compare like with like.

import { createSeededRandom, type SeededRandom } from '../adapters/demo/seeded-random.ts';

export interface Random extends SeededRandom {
  /** Log-normal with the given median; sigma spreads it (1 ≈ a tenth to ten times the median). */
  logNormal(median: number, sigma: number): number;
  /** Uniform on a log scale between min and max: as many 64-128 kB values as 512 kB-1 MB ones. */
  logUniform(min: number, max: number): number;
  hex(length: number): string;
}

export function createRandom(seed: number): Random {
  const random = createSeededRandom(seed);
  const { next } = random;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return {
    ...random,
    logNormal: (median, sigma) => median * Math.exp(sigma * gauss()),
    logUniform: (min, max) => Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))),
    hex(length) {
      let out = '';
      while (out.length < length)
        out += Math.floor(next() * 0x100000000)
          .toString(16)
          .padStart(8, '0');
      return out.slice(0, length);
    },
  };
}

/** Fisher-Yates in place. */
export function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
