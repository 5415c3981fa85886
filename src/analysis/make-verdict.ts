import type { Guardrail } from '../rollout-spec/rollout-spec-schema.js';
import type { Checked } from './checked-input.js';
import type { Evidence, FailAction, Verdict, VerdictStatus } from './verdict.js';

/** What `fail` of this guardrail asks for: srm pauses (data untrustworthy), everything else rolls back. */
export function failActionOf(g: Guardrail): FailAction {
  return g.kind === 'srm' ? 'pause' : 'rollback';
}

export function makeVerdict(
  g: Guardrail,
  status: VerdictStatus,
  reason: string,
  evidence: Evidence = {},
): Verdict {
  return {
    guardrail: g.name,
    kind: g.kind,
    status,
    onFail: failActionOf(g),
    reason: `${g.name}: ${reason}`,
    evidence,
  };
}

/** The verdict of an input that could not be judged. */
export function notJudged(
  g: Guardrail,
  c: Extract<Checked<unknown>, { ok: false }>,
  evidence: Evidence = {},
): Verdict {
  return makeVerdict(g, c.status, c.reason, evidence);
}
