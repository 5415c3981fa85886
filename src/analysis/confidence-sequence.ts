/**
 * Asymptotic confidence sequence of Waudby-Smith et al. (2021, arXiv 2103.06476, Theorem 2.2), the
 * method GrowthBook's safe rollouts use. Unlike a fixed-sample interval it stays valid when the
 * bound is looked at after every tick, so rampart may judge at every tick and stop as soon as the
 * bound crosses the limit.
 *
 * rho is tuned so that the sequence is tightest at `plannedN` observations:
 *   rho^2 = (-2 ln(2a) + ln(1 - 2 ln(2a))) / N*
 *   half-width = SE * sqrt(2 (N rho^2 + 1) / (N rho^2) * ln(1 + sqrt(N rho^2 + 1) / (2a)))
 * where SE is the standard error of the estimate after N observations and `a` the one-sided alpha.
 */

/** rho^2 of the normal mixture, tightest at `plannedN` observations. */
export function csRhoSquared(alpha: number, plannedN: number): number {
  const l = Math.log(2 * alpha);
  return (-2 * l + Math.log(1 - 2 * l)) / plannedN;
}

/**
 * The multiplier of the standard error at `n` observations (the sequential analogue of z = 1.96).
 * `alpha` must be in (0, 0.5), `n` and `plannedN` positive.
 */
export function csMultiplier(n: number, plannedN: number, alpha: number): number {
  const nr2 = n * csRhoSquared(alpha, plannedN);
  return Math.sqrt(((2 * (nr2 + 1)) / nr2) * Math.log(1 + Math.sqrt(nr2 + 1) / (2 * alpha)));
}

/** Half-width of the one-sided confidence sequence at `n` observations. */
export function csHalfWidth(se: number, n: number, plannedN: number, alpha: number): number {
  return se * csMultiplier(n, plannedN, alpha);
}
