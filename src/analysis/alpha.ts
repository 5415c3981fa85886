import type { GuardrailKind, RolloutSpec } from '../spec/rollout-spec-schema.js';

/**
 * How the spec's `alpha` (the false-rollback budget of the whole rollout) is spent.
 *
 * Rule (Bonferroni over guardrails): every statistical treatment-vs-control test (`compare`,
 * `rate`) gets an equal share
 *   alpha_test = alpha / (statistical guardrails).
 * Each such test is ONE confidence sequence over the whole rollout run (from its first step until a
 * person resumes or restarts it): every step is a stratum of a stratified estimate (see
 * stratified.ts), and the sequence is valid under looks at every tick of every step. So the chance
 * that a given test ever rolls a healthy run back is <= alpha_test, and by the union bound the
 * chance that any of them does is <= alpha. No split over steps is needed because the test no
 * longer restarts at each step. Deterministic rules spend none: `zero` (any increase is a real
 * event), `threshold` and `promql` (a fixed limit the author chose, judged on everyone), and `srm`
 * (it pauses, it never rolls back, and it has its own `pValue`). At 100 % there is no control arm,
 * so no test judges there.
 */
export const ALPHA_RULE =
  'alpha is split equally (Bonferroni) over the compare/rate guardrails; each gets alpha / (statistical ' +
  'guardrails) for one always-valid confidence sequence over the whole rollout run (one stratum per ' +
  'step, restarted only when a person resumes or restarts); zero, threshold, promql and srm spend none.';

const STATISTICAL: ReadonlySet<GuardrailKind> = new Set<GuardrailKind>(['compare', 'rate']);

/** Whether a guardrail kind spends part of the false-rollback budget. */
export function spendsAlpha(kind: GuardrailKind): boolean {
  return STATISTICAL.has(kind);
}

/** Steps that compare treatment with control (below 100 %): the strata of the cumulative tests. */
export function comparativeSteps(spec: Pick<RolloutSpec, 'steps'>): number {
  return spec.steps.filter((p) => p < 100).length;
}

/** The alpha of one statistical test (over the whole run) under ALPHA_RULE. */
export function alphaPerTest(spec: Pick<RolloutSpec, 'alpha' | 'steps' | 'guardrails'>): number {
  const tests = spec.guardrails.filter((g) => spendsAlpha(g.kind)).length;
  return spec.alpha / Math.max(1, tests);
}

/** The rule applied to one spec, in one line (for `rampart plan` and the status page). */
export function describeAlphaSplit(spec: Pick<RolloutSpec, 'alpha' | 'steps' | 'guardrails'>): string {
  const tests = spec.guardrails.filter((g) => spendsAlpha(g.kind)).length;
  const steps = comparativeSteps(spec);
  return (
    `alpha ${spec.alpha} over ${tests} statistical guardrail(s): ${formatAlpha(alphaPerTest(spec))} per test, ` +
    `each one confidence sequence over the run's ${steps} step(s) below 100 %`
  );
}

function formatAlpha(a: number): string {
  return a >= 0.001 ? a.toFixed(4).replace(/0+$/, '') : a.toExponential(2);
}
