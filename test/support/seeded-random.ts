/** mulberry32: a small, fast, seeded PRNG, so simulations are reproducible (no Math.random). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Binomial(n, p) by CDF inversion on the rarer outcome: ~n min(p, 1-p) + 1 steps, one uniform. */
export function binomial(rand: () => number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const odds = q / (1 - q);
  let pk = (1 - q) ** n;
  let cdf = pk;
  let k = 0;
  const u = rand();
  while (u > cdf && k < n) {
    pk *= ((n - k) / (k + 1)) * odds;
    k++;
    cdf += pk;
  }
  return flip ? n - k : k;
}

/** Poisson(lambda) by inversion; fine for the lambda <= ~100 of one tick. */
export function poisson(rand: () => number, lambda: number): number {
  let pk = Math.exp(-lambda);
  let cdf = pk;
  let k = 0;
  const u = rand();
  while (u > cdf && k < 10 * lambda + 50) {
    k++;
    pk *= lambda / k;
    cdf += pk;
  }
  return k;
}
