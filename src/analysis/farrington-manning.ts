/**
 * Restricted maximum-likelihood proportions of two independent binomials under
 * H0: p_treatment - p_control = delta0 (Farrington & Manning 1990, Statistics in Medicine 9:1447,
 * closed form of the cubic's root; the score test of non-inferiority trials).
 *
 * Why: `compare`'s likelihood-ratio bound (compare-lr.ts) profiles out each step's control rate;
 * this is the profile's maximiser for a given difference, in closed form instead of a search at
 * every candidate difference.
 */
export interface RestrictedProportions {
  treatment: number;
  control: number;
}

/**
 * pT, pC observed proportions in [0, 1]; nT, nC > 0 the arm sizes; delta0 in (-1, 1).
 * Returns (p~T, p~C) with p~T - p~C = delta0, both in [0, 1], maximising the joint likelihood.
 */
export function restrictedProportions(
  pT: number,
  nT: number,
  pC: number,
  nC: number,
  delta0: number,
): RestrictedProportions {
  const theta = nC / nT;
  const a = 1 + theta;
  const b = -(1 + theta + pT + theta * pC + delta0 * (theta + 2));
  const c = delta0 * delta0 + delta0 * (2 * pT + theta + 1) + pT + theta * pC;
  const d = -pT * delta0 * (1 + delta0);
  const v = b ** 3 / (3 * a) ** 3 - (b * c) / (6 * a * a) + d / (2 * a);
  const u2 = b ** 2 / (3 * a) ** 2 - c / (3 * a);
  const u = (v >= 0 ? 1 : -1) * Math.sqrt(Math.max(0, u2));
  // u = 0 only when the cubic has a triple root; the clamp guards rounding of |v/u^3| just above 1.
  const cosArg = u === 0 ? 0 : Math.min(1, Math.max(-1, v / u ** 3));
  const w = (Math.PI + Math.acos(cosArg)) / 3;
  const lo = Math.max(0, delta0);
  const hi = Math.min(1, 1 + delta0);
  const treatment = Math.min(hi, Math.max(lo, 2 * u * Math.cos(w) - b / (3 * a)));
  return { treatment, control: treatment - delta0 };
}
