import type { Guardrail, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { alphaPerTest } from './alpha.js';
import { evaluateCompare } from './evaluate-compare.js';
import { evaluateRate } from './evaluate-rate.js';
import { evaluateSrm } from './evaluate-srm.js';
import { evaluatePromql, evaluateThreshold } from './evaluate-threshold.js';
import { evaluateZero } from './evaluate-zero.js';
import type { GuardrailInput } from './guardrail-input.js';
import { makeVerdict } from './make-verdict.js';
import { type RolloutStep, type StepContext, stepContext } from './step-context.js';
import type { Verdict } from './verdict.js';

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
  switch (g.kind) {
    case 'compare':
      return input.kind === 'compare' ? evaluateCompare(g, input, step, alpha) : mismatch(g);
    case 'rate':
      return input.kind === 'rate' ? evaluateRate(g, input, step, alpha) : mismatch(g);
    case 'threshold':
      return input.kind === 'threshold' ? evaluateThreshold(g, input) : mismatch(g);
    case 'zero':
      return input.kind === 'zero' ? evaluateZero(g, input) : mismatch(g);
    case 'srm':
      return input.kind === 'srm' ? evaluateSrm(g, input, step) : mismatch(g);
    case 'promql':
      return input.kind === 'promql' ? evaluatePromql(g, input) : mismatch(g);
    default:
      return unreachable(g);
  }
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

function mismatch(g: Guardrail): Verdict {
  return makeVerdict(g, 'error', 'input kind does not match the guardrail kind');
}

function unreachable(g: never): never {
  throw new Error(`unknown guardrail kind in ${JSON.stringify(g)}`);
}
