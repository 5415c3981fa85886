import type { UserEvidenceMemory } from '../rollout/rollout-state.js';

/**
 * The exact anytime-valid e-processes of the `users` guardrail (docs/statistics.md).
 *
 * Events are NEW users with a bad outcome (each user counted once per step, so a locked account that
 * retries 20 times is one event). Given the users at risk per arm (exposed users without a bad
 * outcome yet, R_T and R_C), the next bad user comes from treatment with probability
 *   q(theta) = theta R_T / (theta R_T + R_C),
 * theta being the ratio of the per-user hazards, treatment over control. Each grid point theta_j of a
 * mixture contributes the likelihood ratio of q(theta_j) against q(rho), rho the margin:
 *   L_j += x log(q_j / q0) + (n - x) log((1 - q_j) / (1 - q0)),   q0 = q(rho),
 * for x treatment events of n at one tick. Under every theta <= rho the expectation of each factor is
 * <= 1 when theta_j >= rho (linear in the true q, equal to 1 at q0), so E = mean_j exp(L_j) is a
 * nonnegative supermartingale, and by Ville's inequality P(sup E >= 1/alpha) <= alpha from the first
 * look on (Lindon & Malek 2022; Ramdas et al. on e-processes). The `safe` mixture over theta_j < rho
 * is the same construction for the reverse hypothesis theta >= rho: its crossing shows that the
 * treatment raises the rate by less than the margin (non-inferiority).
 */

/** Harm alternatives, as multiples of rho (theta_j = m rho): from a small excess to a total failure. */
export const HARM = [1.25, 1.5, 2, 3, 5, 10, 30, 100, 1000] as const;
/**
 * The share of a harm e-value's rollback limit, in logs, at which harm is suspected and the step
 * holds (never rolls back): cube root of 1/alpha. Under "no harm beyond the margin" the e-value
 * drifts down, so a healthy step rarely gets there; a fault that starts in a small step is kept
 * there while its evidence builds.
 */
export const SUSPECTED_HARM = 1 / 3;

/** Non-inferiority alternatives, as multiples of rho (theta_j = m rho < rho). */
export const SAFE_GRID = [0.9, 0.75, 0.6, 0.45, 0.3, 0.15] as const;

/** The counts of one tick: bad users and exposed users since the step started, per arm. */
export interface UserTick {
  /** Identifies the rollout run (its first step's start): a new run starts the e-processes afresh. */
  run: string;
  /** Identifies the current step (its start): the distinct-user counts restart with every step. */
  step: string;
  badT: number;
  badC: number;
  exposedT: number;
  exposedC: number;
  /** The relative margin: the per-user rate ratio the flag may cause. */
  rho: number;
  /** Milliseconds since the step started, when known: records how fast new users still arrive. */
  elapsedMs?: number;
}

/** A new arrival checkpoint once the step's age has grown by this factor: ~100 of them in a day. */
const CHECKPOINT_GROWTH = 1.1;

/** The arrival checkpoints after this tick (one more when the step has aged enough since the last). */
function withArrival(m: UserEvidenceMemory, t: UserTick): UserEvidenceMemory {
  if (t.elapsedMs === undefined || t.elapsedMs <= 0) return m;
  const list = m.arrivals ?? [];
  const last = list[list.length - 1];
  if (last && t.elapsedMs < last[0] * CHECKPOINT_GROWTH) return m;
  return { ...m, arrivals: [...list, [t.elapsedMs, t.exposedT + t.exposedC]] };
}

/**
 * The users seen by half the step's current age (the latest checkpoint at or before it; 0 when
 * none is that old): a canary step compares it with the users seen now.
 */
export function seenByHalfAge(m: UserEvidenceMemory, elapsedMs: number): number {
  let seen = 0;
  for (const [at, n] of m.arrivals ?? []) if (at <= elapsedMs / 2) seen = n;
  return seen;
}

/** The empty memory of a run. */
function fresh(run: string, step: string): UserEvidenceMemory {
  const zeros = (n: number) => new Array<number>(n).fill(0);
  return {
    run,
    step,
    seen: { treatment: 0, control: 0 },
    runHarm: zeros(HARM.length),
    stepHarm: zeros(HARM.length),
    runSafe: zeros(SAFE_GRID.length),
  };
}

/** Adds x treatment and n - x control events at split q0 to the log likelihood ratios of `mults`. */
function addEvents(
  logLr: readonly number[],
  mults: readonly number[],
  x: number,
  y: number,
  rho: number,
  atRiskT: number,
  atRiskC: number,
): number[] {
  const q0 = (rho * atRiskT) / (rho * atRiskT + atRiskC);
  return logLr.map((l, j) => {
    const theta = rho * (mults[j] ?? 1);
    const q = (theta * atRiskT) / (theta * atRiskT + atRiskC);
    return l + x * Math.log(q / q0) + y * Math.log((1 - q) / (1 - q0));
  });
}

/**
 * The memory after one tick. Events are the growth of the bad-user counts since the last tick; the
 * at-risk pool is the exposed users minus the bad users counted before this tick. A count that went
 * backwards (a restarted service instance) is taken as the new base without events; events seen
 * while an arm has nobody at risk (exposures not scraped yet) wait for the next tick.
 */
export function updateUserEvidence(prev: UserEvidenceMemory | undefined, t: UserTick): UserEvidenceMemory {
  let m = prev && prev.run === t.run ? prev : fresh(t.run, t.step);
  if (m.step !== t.step) {
    const { arrivals: _, ...rest } = m;
    m = {
      ...rest,
      step: t.step,
      seen: { treatment: 0, control: 0 },
      stepHarm: fresh(t.run, t.step).stepHarm,
    };
  }
  m = withArrival(m, t);
  const x = t.badT - m.seen.treatment;
  const y = t.badC - m.seen.control;
  if (x < 0 || y < 0) return { ...m, seen: { treatment: t.badT, control: t.badC } };
  if (x === 0 && y === 0) return m;
  const atRiskT = t.exposedT - m.seen.treatment;
  const atRiskC = t.exposedC - m.seen.control;
  if (!(atRiskT > 0 && atRiskC > 0)) return m;
  return {
    ...m,
    seen: { treatment: t.badT, control: t.badC },
    runHarm: addEvents(m.runHarm, HARM, x, y, t.rho, atRiskT, atRiskC),
    stepHarm: addEvents(m.stepHarm, HARM, x, y, t.rho, atRiskT, atRiskC),
    runSafe: addEvents(m.runSafe, SAFE_GRID, x, y, t.rho, atRiskT, atRiskC),
  };
}

/** log E of an equal-weight mixture: log(mean_j exp(L_j)), computed without overflow. */
export function logMixture(logLr: readonly number[]): number {
  if (logLr.length === 0) return 0;
  const top = Math.max(...logLr);
  const sum = logLr.reduce((s, l) => s + Math.exp(l - top), 0);
  return top + Math.log(sum / logLr.length);
}

/** The three e-values of a memory, as logs. */
export function userEValues(m: UserEvidenceMemory): { runHarm: number; stepHarm: number; runSafe: number } {
  return { runHarm: logMixture(m.runHarm), stepHarm: logMixture(m.stepHarm), runSafe: logMixture(m.runSafe) };
}
