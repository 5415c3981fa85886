import type { GuardrailInput } from '../analysis/guardrail-input.js';
import { makeJudgement } from '../analysis/make-judgement.js';
import { type RolloutStep, type StepContext, stepContext } from '../analysis/step-context.js';
import { type Verdict, withFailAction } from '../analysis/verdict.js';
import type { Guardrail, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { guardrailAlpha, guardrailKind } from './registry.js';

/** One guardrail with its input; a mismatched kind is a wiring bug reported as an `error` verdict. */
export function evaluateGuardrail(
  g: Guardrail,
  input: GuardrailInput | undefined,
  step: StepContext,
  alpha: number,
): Verdict {
  const kind = guardrailKind(g.kind);
  if (input === undefined)
    return withFailAction(makeJudgement(g, 'error', 'no input gathered for this guardrail'), kind.onFail);
  if (input.kind !== g.kind) {
    const reason = `input of kind ${input.kind} given to a ${g.kind} guardrail`;
    return withFailAction(makeJudgement(g, 'error', reason), kind.onFail);
  }
  return withFailAction(kind.evaluate(g, input, step, alpha), kind.onFail);
}

/**
 * Verdicts of every guardrail of `spec`, in spec order; `inputs[i]` belongs to `spec.guardrails[i]`.
 * Alpha-spending guardrails get the share of ALPHA_RULE; N* comes from plannedSamples (one step)
 * and plannedRunSamples (the run).
 */
export function evaluateGuardrails(
  spec: RolloutSpec,
  inputs: readonly GuardrailInput[],
  ctx: RolloutStep,
): Verdict[] {
  const step = stepContext(spec, ctx);
  const alpha = guardrailAlpha(spec);
  return spec.guardrails.map((g, i) => evaluateGuardrail(g, inputs[i], step, alpha));
}
