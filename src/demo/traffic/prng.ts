/** A seeded pseudo-random number generator, so a traffic run can be replayed. */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** mulberry32: tiny, fast and good enough for simulated traffic (not for secrets). */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Waiting time until the next arrival of a Poisson process with `ratePerSecond`, in ms. */
export function exponentialDelayMs(prng: Prng, ratePerSecond: number): number {
  return (-Math.log(1 - prng.next()) / ratePerSecond) * 1000;
}

/** An integer in [0, n). */
export function pickIndex(prng: Prng, n: number): number {
  return Math.min(n - 1, Math.floor(prng.next() * n));
}
