import type { Guardrail } from '../rollout-spec/rollout-spec-schema.js';
import type { Checked } from './checked-input.js';
import type { Evidence, Judgement, VerdictStatus } from './verdict.js';

export function makeJudgement(
  g: Guardrail,
  status: VerdictStatus,
  reason: string,
  evidence: Evidence = {},
): Judgement {
  return { guardrail: g.name, kind: g.kind, status, reason: `${g.name}: ${reason}`, evidence };
}

/** The judgement of an input that could not be judged. */
export function notJudged(
  g: Guardrail,
  c: Extract<Checked<unknown>, { ok: false }>,
  evidence: Evidence = {},
): Judgement {
  return makeJudgement(g, c.status, c.reason, evidence);
}
