import { alphaPerTest } from '../analysis/alpha.js';
import type { GuardrailInput } from '../analysis/guardrail-input.js';
import { makeVerdict } from '../analysis/make-verdict.js';
import { type RolloutStep, type StepContext, stepContext } from '../analysis/step-context.js';
import type { Verdict } from '../analysis/verdict.js';
import type { Guardrail, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { guardrailKind } from './registry.js';

/** One guardrail with its input; a mismatched kind is a wiring bug reported as an `error` verdict. */
export function evaluateGuardrail(
  g: Guardrail,
  input: GuardrailInput | undefined,
  step: StepContext,
  alpha: number,
): Verdict {
  if (input === undefined) return makeVerdict(g, 'error', 'no input gathered for this guardrail');
  if (input.kind !== g.kind)
    return makeVerdict(g, 'error', `input of kind ${input.kind} given to a ${g.kind} guardrail`);
  return guardrailKind(g.kind).evaluate(g, input, step, alpha);
}

/**
 * Verdicts of every guardrail of `spec`, in spec order; `inputs[i]` belongs to `spec.guardrails[i]`.
 * Statistical guardrails get the alpha share of ALPHA_RULE; N* comes from plannedSamples (one step)
 * and plannedRunSamples (the run).
 */
export function evaluateGuardrails(
  spec: RolloutSpec,
  inputs: readonly GuardrailInput[],
  ctx: RolloutStep,
): Verdict[] {
  const step = stepContext(spec, ctx);
  const alpha = alphaPerTest(spec);
  return spec.guardrails.map((g, i) => evaluateGuardrail(g, inputs[i], step, alpha));
}
