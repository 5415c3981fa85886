/**
 * The exact anytime-valid sample-ratio test on DISTINCT users (docs/statistics.md): each newly
 * exposed user lands in treatment with the configured share p, independently of every other user
 * (the hash is independent of who arrives when), so the arms of the arriving users are i.i.d.
 * Bernoulli(p) however small the population: the realised share of 300 staff (sd sqrt(p(1-p)/300))
 * is exactly this binomial variation. Against a Beta(c p, c (1 - p)) mixture of alternatives,
 *   E_n = B(c p + x, c (1 - p) + n - x) / B(c p, c (1 - p)) / (p^x (1 - p)^(n - x))
 * is a nonnegative martingale under the configured split, so P(ever E_n >= 1/pValue) <= pValue from
 * the first user on (Ville's inequality), with no minimum count.
 */

/** Prior concentration: the mixture's mass sits within about one share-width of p. */
const CONCENTRATION = 100;

/** log Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0] ?? 0;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] ?? 0) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** log E of x treatment users among n distinct exposed users against the configured share p. */
export function srmLogEValue(x: number, n: number, p: number): number {
  const a = CONCENTRATION * p;
  const b = CONCENTRATION * (1 - p);
  return logBeta(a + x, b + n - x) - logBeta(a, b) - x * Math.log(p) - (n - x) * Math.log(1 - p);
}
