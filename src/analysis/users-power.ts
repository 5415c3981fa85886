import { HARM, logMixture } from './user-eprocess.js';

/** The harm a canary step waits to have a fair chance of catching: this multiple of the margin. */
export const DETECT_FACTOR = 2;
/** The chance that harm of DETECT_FACTOR x the margin reaches the suspected-harm hold, at least. */
const POWER = 0.9;

/** log P(X = k) for X ~ Poisson(mean), k = 0.. up to `max`. */
function poissonLogPmf(mean: number, max: number): number[] {
  const out: number[] = [];
  let lp = -mean;
  for (let k = 0; k <= max; k++) {
    if (k > 0) lp += Math.log(mean / k);
    out.push(mean === 0 ? (k === 0 ? 0 : Number.NEGATIVE_INFINITY) : lp);
  }
  return out;
}

/**
 * The chance that the harm e-process of a step reaches `logHold` when the treatment's rate of bad
 * users is `ratio` x control's `baseline`, with nT treatment and nC control users. One batch at
 * the step's end (the running e-process only gets more chances to cross), bad users Poisson.
 */
function power(
  nT: number,
  nC: number,
  baseline: number,
  rho: number,
  ratio: number,
  logHold: number,
): number {
  const meanT = nT * Math.min(1, ratio * baseline);
  const meanC = nC * baseline;
  const top = (m: number) => Math.ceil(m + 8 * Math.sqrt(m) + 10);
  const pT = poissonLogPmf(meanT, top(meanT));
  const pC = poissonLogPmf(meanC, top(meanC));
  const q0 = (rho * nT) / (rho * nT + nC);
  const qs = HARM.map((m) => (m * rho * nT) / (m * rho * nT + nC));
  // The tail P(X >= x) of the treatment count, from the top down.
  const tail = new Array<number>(pT.length + 1).fill(0);
  for (let x = pT.length - 1; x >= 0; x--) tail[x] = (tail[x + 1] ?? 0) + Math.exp(pT[x] ?? -Infinity);
  const up = qs.map((q) => Math.log(q / q0));
  const down = qs.map((q) => Math.log((1 - q) / (1 - q0)));
  const crosses = (x: number, y: number) =>
    logMixture(up.map((u, j) => x * u + y * (down[j] ?? 0))) >= logHold;
  let p = 0;
  // The fewest treatment events that cross given y control events: more treatment events only raise
  // every L_j, more control events only lower them, so it never decreases with y.
  let x = 0;
  pC.forEach((lpy, y) => {
    while (x < pT.length && !crosses(x, y)) x++;
    p += Math.exp(lpy) * (tail[x] ?? 0);
  });
  return p;
}

const cache = new Map<string, number>();

/**
 * Treatment users a step at treatment share `share` needs so that a harm of DETECT_FACTOR x the
 * margin `rho`, on a control share `baseline` of users with the bad outcome, reaches the harm hold
 * (`logHold`, log e-value) with probability POWER. A canary step that cannot prove the rate safe
 * waits at least this long (or until its population is spent), so a fault beyond the margin that
 * starts there has a fair chance to be held there. Infinity when no finite number gets there.
 */
export function treatmentUsersToDetect(
  baseline: number,
  rho: number,
  share: number,
  logHold: number,
): number {
  const key = `${baseline}|${rho}|${share}|${logHold}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const ok = (nT: number) =>
    power(nT, (nT * (1 - share)) / share, baseline, rho, DETECT_FACTOR * rho, logHold) >= POWER;
  let hi = 1;
  while (!ok(hi) && hi < 1e6) hi *= 2;
  let found = Number.POSITIVE_INFINITY;
  if (ok(hi)) {
    let lo = Math.floor(hi / 2);
    while (hi - lo > Math.max(1, hi / 100)) {
      const mid = Math.floor((lo + hi) / 2);
      if (ok(mid)) hi = mid;
      else lo = mid;
    }
    found = hi;
  }
  cache.set(key, found);
  return found;
}
