/**
 * Wald's sequential probability ratio test for a Bernoulli parameter, H0: p = p0 against H1: p = p1.
 * No test of p0 vs p1 with these error rates needs fewer observations on average (Wald-Wolfowitz
 * optimality), so its expected sample number is the information floor the detection benchmark
 * compares rampart against: "a perfect oracle knowing p0 and p1 would need this many users".
 */

export interface SprtInput {
  /** Success probability under H0 (healthy, e.g. 0.985 login success). */
  p0: number;
  /** Success probability under H1 (the fault, e.g. 0 for a total outage). */
  p1: number;
  /** Probability of rejecting H0 when it is true. */
  alpha: number;
  /** Probability of rejecting H0 when H1 is true (1 - beta). */
  power: number;
}

export interface SprtExpectedSamples {
  /** ln((1 - beta) / alpha): reject H0 when the log-likelihood ratio reaches it. */
  upper: number;
  /** ln(beta / (1 - alpha)): accept H0 when the log-likelihood ratio falls to it. */
  lower: number;
  /** Expected observations when H1 holds (the detection floor). */
  underH1: number;
  /** Expected observations when H0 holds; undefined when one observation can settle it (KL infinite). */
  underH0: number | undefined;
}

/** Kullback-Leibler divergence KL(Bern(a) || Bern(b)), with 0 ln 0 = 0. */
export function bernoulliKl(a: number, b: number): number {
  return term(a, b) + term(1 - a, 1 - b);
}

function term(x: number, y: number): number {
  if (x === 0) return 0;
  if (y === 0) return Number.POSITIVE_INFINITY;
  return x * Math.log(x / y);
}

/**
 * Wald's approximations (boundary overshoot ignored), with beta = 1 - power:
 *   E1[N] = ((1 - beta) A + beta B) / KL(p1 || p0)
 *   E0[N] = (alpha A + (1 - alpha) B) / -KL(p0 || p1)
 * Throws RangeError on parameters outside (0, 1) or p0 = p1: a programming error, not data.
 */
export function sprtExpectedSampleSize(input: SprtInput): SprtExpectedSamples {
  const { p0, p1, alpha, power } = input;
  if (!(p0 > 0 && p0 < 1) || !(p1 >= 0 && p1 <= 1) || p0 === p1) {
    throw new RangeError(`need 0 < p0 < 1, 0 <= p1 <= 1, p0 != p1 (got p0=${p0}, p1=${p1})`);
  }
  if (!(alpha > 0 && alpha < 1) || !(power > alpha && power < 1)) {
    throw new RangeError(`need 0 < alpha < power < 1 (got alpha=${alpha}, power=${power})`);
  }
  const beta = 1 - power;
  const upper = Math.log(power / alpha);
  const lower = Math.log(beta / (1 - alpha));
  const underH1 = (power * upper + beta * lower) / bernoulliKl(p1, p0);
  const kl0 = bernoulliKl(p0, p1);
  const underH0 = Number.isFinite(kl0) ? (alpha * upper + (1 - alpha) * lower) / -kl0 : undefined;
  return { upper, lower, underH1, underH0 };
}
