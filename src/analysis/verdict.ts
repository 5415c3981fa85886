import type { UserEvidenceMemory } from '../rollout/rollout-state.js';
import type { GuardrailKind } from '../rollout-spec/rollout-spec-schema.js';

/** Outcome of one guardrail at one tick. Errors are data, never exceptions. */
export type VerdictStatus = 'pass' | 'fail' | 'inconclusive' | 'error';

/** What a `fail` of this guardrail asks the controller to do (srm pauses: the data is untrustworthy). */
export type FailAction = 'rollback' | 'pause';

export interface ArmEvidence {
  /** Events seen in this arm (the denominator). */
  n: number;
  /** Good / bad events, where the guardrail counts them. */
  events?: number;
  /** The arm's estimate (share of good events, or bad events per exposure). */
  estimate?: number;
}

/** Numbers behind a verdict, shown on the status page, in the audit log and on /metrics. */
export interface Evidence {
  treatment?: ArmEvidence;
  control?: ArmEvidence;
  /** The tested quantity (difference, ratio, scalar, increase, observed share). */
  estimate?: number;
  /** The confidence bound compared with the limit. */
  bound?: number;
  /** The configured limit (e.g. -maxDrop, maxRatio, min or max). */
  limit?: number;
  pValue?: number;
  /** Alpha spent on this test at this look. */
  alpha?: number;
  /** Steps (strata) of the rollout run behind a cumulative estimate (compare, rate). */
  strata?: number;
}

/**
 * What an analysis concludes about one guardrail at one tick. What a `fail` asks the controller to do
 * is a property of the guardrail's kind, which the analysis does not know: the caller adds it (Verdict).
 */
export interface Judgement {
  guardrail: string;
  kind: GuardrailKind;
  status: VerdictStatus;
  /** One line a release manager can read, e.g. "login-success: treatment 0.862 (n=412) vs control ...". */
  reason: string;
  evidence: Evidence;
  /** The guardrail's memory after this tick (`users`), saved in the rollout state by the controller. */
  memory?: UserEvidenceMemory;
  /**
   * `users`: the step holds (inconclusive) because harm is suspected, short of a rollback. Once the
   * step has seen its whole population no new evidence comes, and only a person ends the hold.
   */
  harmSuspected?: true;
}

export interface Verdict extends Judgement {
  /** What to do on `fail`. */
  onFail: FailAction;
}

/** The verdict of `j` for a guardrail whose `fail` asks for `onFail` (fields in the order stored before). */
export function withFailAction(j: Judgement, onFail: FailAction): Verdict {
  const v: Verdict = {
    guardrail: j.guardrail,
    kind: j.kind,
    status: j.status,
    onFail,
    reason: j.reason,
    evidence: j.evidence,
  };
  const withMemory = j.memory ? { ...v, memory: j.memory } : v;
  return j.harmSuspected ? { ...withMemory, harmSuspected: true } : withMemory;
}
