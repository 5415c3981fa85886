import type { GuardrailKind, RolloutSpec } from '../spec/rollout-spec-schema.js';

/**
 * How the spec's `alpha` (the false-rollback budget of the whole rollout) is spent.
 *
 * Rule (Bonferroni): every statistical treatment-vs-control test (`compare`, `rate`) at every step
 * that has a control arm (percentage < 100) gets an equal share
 *   alpha_test = alpha / (statistical guardrails x steps below 100 %).
 * Each such test is a confidence sequence, valid under looks at every tick, and restarts at each
 * step, so by the union bound the chance that any of them rolls a healthy rollout back is <= alpha.
 * Deterministic rules spend none: `zero` (any increase is a real event), `threshold` and `promql`
 * (a fixed limit the author chose, judged on everyone), and `srm` (it pauses, it never rolls back,
 * and it has its own `pValue`). At 100 % there is no control arm, so no test runs there.
 */
export const ALPHA_RULE =
  'alpha is split equally (Bonferroni) over every compare/rate guardrail at every step below 100 %; ' +
  'each gets alpha / (statistical guardrails x steps below 100 %) and is an always-valid confidence ' +
  'sequence that restarts at each step; zero, threshold, promql and srm spend none.';

const STATISTICAL: ReadonlySet<GuardrailKind> = new Set<GuardrailKind>(['compare', 'rate']);

/** Whether a guardrail kind spends part of the false-rollback budget. */
export function spendsAlpha(kind: GuardrailKind): boolean {
  return STATISTICAL.has(kind);
}

/** Steps that compare treatment with control (below 100 %). */
export function comparativeSteps(spec: Pick<RolloutSpec, 'steps'>): number {
  return spec.steps.filter((p) => p < 100).length;
}

/** The alpha of one statistical test at one step under ALPHA_RULE. */
export function alphaPerTest(spec: Pick<RolloutSpec, 'alpha' | 'steps' | 'guardrails'>): number {
  const tests = spec.guardrails.filter((g) => spendsAlpha(g.kind)).length;
  return spec.alpha / (Math.max(1, tests) * Math.max(1, comparativeSteps(spec)));
}

/** The rule applied to one spec, in one line (for `rampart plan` and the status page). */
export function describeAlphaSplit(spec: Pick<RolloutSpec, 'alpha' | 'steps' | 'guardrails'>): string {
  const tests = spec.guardrails.filter((g) => spendsAlpha(g.kind)).length;
  const steps = comparativeSteps(spec);
  return (
    `alpha ${spec.alpha} over ${tests} statistical guardrail(s) x ${steps} step(s) below 100 %: ` +
    `${formatAlpha(alphaPerTest(spec))} per test per step`
  );
}

function formatAlpha(a: number): string {
  return a >= 0.001 ? a.toFixed(4).replace(/0+$/, '') : a.toExponential(2);
}
