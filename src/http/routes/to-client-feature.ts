import type { ClientFlag } from '../../flag-backends/client-feature-source.js';
import type { FlagConstraint } from '../../rollout-spec/flag-scope.js';

/** A constraint as Unleash serves it: list operators carry `values`, the others `value` and `values: []`. */
function toClientConstraint(c: FlagConstraint) {
  return {
    contextName: c.contextName,
    operator: c.operator,
    values: c.values ?? [],
    ...(c.value === undefined ? {} : { value: c.value }),
    inverted: c.inverted,
    caseInsensitive: c.caseInsensitive,
  };
}

/** One feature in the shape Unleash's client API (v2 and delta) answers and unleash-client 6 parses. */
export function toClientFeature(flag: ClientFlag) {
  return {
    name: flag.name,
    type: 'release',
    enabled: flag.enabled,
    project: flag.project,
    stale: false,
    impressionData: false,
    strategies: [
      {
        name: 'flexibleRollout',
        constraints: flag.constraints.map(toClientConstraint),
        parameters: { rollout: String(flag.percentage), stickiness: flag.stickiness, groupId: flag.groupId },
        variants: [],
      },
    ],
    variants: [],
  };
}
