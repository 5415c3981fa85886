import type { GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import { checkCount, checkMeasured } from './checked-input.js';
import { fmtCount } from './format.js';
import type { GuardrailInput } from './guardrail-input.js';
import { makeJudgement, notJudged } from './make-judgement.js';
import type { Judgement } from './verdict.js';

/**
 * `zero`: the counter (all variants together) must not increase. Any increase is a real event,
 * not noise, so it fails at once and spends no alpha. A decrease is a reset: inconclusive. The
 * increase is counted since the rollout run's first step (see MetricVerdictSource).
 */
export function evaluateZero(
  g: GuardrailOf<'zero'>,
  input: Extract<GuardrailInput, { kind: 'zero' }>,
): Judgement {
  const m = checkMeasured(input.increase, g.zero.metric);
  if (!m.ok) return notJudged(g, m);
  const c = checkCount(m.value, `increase of ${g.zero.metric}`);
  if (!c.ok) return notJudged(g, c);
  const evidence = { estimate: c.value, limit: 0 };
  if (c.value > 0) {
    return makeJudgement(
      g,
      'fail',
      `${g.zero.metric} increased by ${fmtCount(c.value)} since the rollout run started (must stay 0)`,
      evidence,
    );
  }
  return makeJudgement(g, 'pass', `${g.zero.metric} unchanged since the rollout run started`, evidence);
}
