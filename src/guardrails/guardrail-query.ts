import type { ArmCounts, Measured } from '../analysis/guardrail-input.js';
import type { CountQuery, ScalarQuery } from '../metric-sources/metric-source.js';
import type { LabelMatchers, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';

/** One query a guardrail needs at a tick; `role` names the GuardrailInput field it feeds. */
export type GuardrailQuery =
  | {
      role: 'good' | 'total' | 'events' | 'per' | 'increase' | 'exposures' | 'bad' | 'exposed';
      type: 'counts';
      query: CountQuery;
    }
  | { role: 'value'; type: 'scalar'; query: ScalarQuery; windowMs: number };

/** What of the rollout a guardrail's queries are scoped by. */
export type RolloutScope = Pick<RolloutSpec, 'name' | 'matchers' | 'variant'>;

/** The answer to one query, as the analysis sees it, plus variant values the spec does not know. */
export interface QueryAnswer {
  role: GuardrailQuery['role'];
  counts?: Measured<ArmCounts>;
  /** treatment + control + unknown variants (for `zero`, which must see every user). */
  sum?: Measured<number>;
  value?: Measured<number>;
  events?: Measured<number | undefined>;
  unknown: string[];
}

/** A measurement whose query was never built or answered. */
export const MISSING: Measured<never> = { status: 'error', reason: 'query not built' };

/**
 * A per-arm count query: the rollout's matchers come first and the guardrail's override them, so a
 * guardrail can narrow further.
 */
export function countQuery(scope: RolloutScope, metric: string, ...more: LabelMatchers[]): CountQuery {
  return { metric, matchers: Object.assign({}, scope.matchers, ...more), variant: scope.variant };
}

/** The answer that feeds `role`, if it was asked. */
export function answerOf(
  answers: readonly QueryAnswer[],
  role: QueryAnswer['role'],
): QueryAnswer | undefined {
  return answers.find((a) => a.role === role);
}

/** The per-arm counts that feed `role`, MISSING when none. */
export function countsOf(answers: readonly QueryAnswer[], role: QueryAnswer['role']): Measured<ArmCounts> {
  return answerOf(answers, role)?.counts ?? MISSING;
}
