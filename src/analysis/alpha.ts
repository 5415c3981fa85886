import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';

/**
 * How the spec's `alpha` (the false-rollback budget of the whole rollout) is spent.
 *
 * Rule (Bonferroni over guardrails, then over looks): every statistical treatment-vs-control
 * guardrail (`compare`, `rate`) gets an equal share
 *   alpha_g = alpha / (statistical guardrails),
 * spent on two kinds of always-valid confidence sequences, and the guardrail fails when either crosses:
 * - the whole-run test, 3/4 alpha_g: ONE sequence over the rollout run (from its first step until a
 *   person resumes or restarts it), every step a stratum (see stratified.ts), tuned for the run's
 *   planned sample (plannedRunSamples), so a moderate harm present from early on accumulates
 *   evidence across steps; it is the main detector, hence the larger share;
 * - the current-step test, alpha_g / (4 K) for each of the K steps below 100 %: the latest stratum
 *   alone, tuned for the step's planned sample (plannedSamples), so a fault that starts at a later
 *   step is not diluted by the healthy earlier strata, and a total failure is caught after a handful
 *   of logins at every step, the first included.
 * Each sequence is valid under looks at every tick, so by the union bound (3/4 + K quarters over K)
 * the chance that the guardrail ever rolls a healthy run back is <= alpha_g, and that any does is
 * <= alpha. Deterministic rules spend none: `zero` (any increase is a real event), `threshold` and
 * `promql` (a fixed limit the author chose, judged on everyone), and `srm` (it pauses, it never rolls
 * back, and it has its own `pValue`). At 100 % there is no control arm, so no test judges there.
 *
 * The non-inferiority gate before the control arm disappears (evaluate-compare.ts, evaluate-rate.ts)
 * spends none of this budget: it never rolls back, it only holds. Its error is a different one (moving
 * to 100 % although the harm exceeds the margin); it uses the whole-run sequence at alpha_g, so the
 * spec's alpha also bounds the chance of passing a guardrail's margin violation on to 100 %.
 */
export const ALPHA_RULE =
  'alpha is split equally (Bonferroni) over the compare/rate guardrails; each guardrail spends 3/4 of its ' +
  'share on one always-valid confidence sequence over the whole rollout run (one stratum per step, ' +
  'restarted only when a person resumes or restarts) and the other 1/4, split equally over the steps ' +
  'below 100 %, on a sequence over the current step alone; either crossing fails. zero, threshold, ' +
  'promql and srm spend none; the non-inferiority gate before 100 % only holds and spends none.';

/** Steps that compare treatment with control (below 100 %): the strata of the cumulative tests. */
export function comparativeSteps(spec: Pick<RolloutSpec, 'steps'>): number {
  return spec.steps.filter((p) => p < 100).length;
}

/**
 * The alpha share of one statistical guardrail (both of its tests together) under ALPHA_RULE, given
 * how many of the spec's guardrails spend alpha (their kinds say so; the caller counts them).
 */
export function alphaPerTest(alpha: number, tests: number): number {
  return alpha / Math.max(1, tests);
}

/** How one guardrail's share is split between its whole-run and current-step sequences. */
export interface TestAlphas {
  /** The whole-run (stratified) sequence: 3/4 of the guardrail's share. */
  wholeRun: number;
  /** The current-step sequence at any one step: the other 1/4 over the steps below 100 %. */
  currentStep: number;
}

/** ALPHA_RULE's split of a guardrail's share `alpha` over `comparativeSteps` steps below 100 %. */
export function splitTestAlpha(alpha: number, comparativeSteps: number): TestAlphas {
  return { wholeRun: (3 * alpha) / 4, currentStep: alpha / (4 * Math.max(1, comparativeSteps)) };
}

/**
 * The rule applied to one spec with `tests` alpha-spending guardrails, in one line (for `rampart
 * plan` and the status page).
 */
export function describeAlphaSplit(spec: Pick<RolloutSpec, 'alpha' | 'steps'>, tests: number): string {
  const steps = comparativeSteps(spec);
  const share = alphaPerTest(spec.alpha, tests);
  const split = splitTestAlpha(share, steps);
  return (
    `alpha ${spec.alpha} over ${tests} statistical guardrail(s): ${formatAlpha(share)} per guardrail, ` +
    `${formatAlpha(split.wholeRun)} for one confidence sequence over the run's ${steps} step(s) below 100 % ` +
    `and ${formatAlpha(split.currentStep)} for each step's own sequence`
  );
}

function formatAlpha(a: number): string {
  return a >= 0.001 ? String(Number(a.toPrecision(3))) : a.toExponential(2);
}
