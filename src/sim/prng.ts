/**
 * The simulator's own seeded randomness (sfc32 seeded through splitmix32), so a scenario and a seed
 * give the same numbers on every machine and Node version; Math.random is never used.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

/** One splitmix32 output for a 32-bit state (a good integer hash). */
function mix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** sfc32: small, fast, passes PractRand; plain fields, no closures (a login makes one). */
class Sfc32 implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mix32(seed);
    this.b = mix32(this.a);
    this.c = mix32(this.b);
    this.d = mix32(this.c) | 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
}

/** A stream of uniforms from one or more integer keys (seed, stream id, event id, ...). */
export function seededRandom(...keys: number[]): Random {
  let h = 0x6a09e667;
  for (const k of keys) h = mix32(h ^ Math.imul(k | 0, 0x27d4eb2f));
  return new Sfc32(h);
}

/** An exponential waiting time with the given rate (events per unit), from one uniform. */
export function exponential(u: number, rate: number): number {
  return -Math.log(1 - u) / rate;
}

/**
 * A Poisson count by inversion from one uniform: the count never decreases as `mean` grows for the
 * same `u`, so a fault that multiplies a rate only ever adds events to what the healthy run had.
 */
export function poissonFromUniform(u: number, mean: number): number {
  if (mean <= 0) return 0;
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (u >= cdf && k < 10_000) {
    k += 1;
    p *= mean / k;
    cdf += p;
  }
  return k;
}
