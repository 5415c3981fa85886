import { parser } from '@prometheus-io/lezer-promql';

/**
 * Sample values for the Grafana variables our expressions use, so an expression can be parsed as the
 * PromQL Grafana would send. Unknown variables are left in place and then fail to parse.
 */
const GRAFANA_VARIABLE_SAMPLES: Readonly<Record<string, string>> = {
  $__rate_interval: '1m',
  $__interval: '30s',
  $__range: '1h',
  $rollout: 'mfa-staff',
  $guardrail: 'login-success',
};

/** Replaces `$name` and `${name}` by the sample values above, longest name first. */
export function substituteGrafanaVariables(expr: string): string {
  let out = expr.replace(/\$\{(\w+)\}/g, '$$$1');
  const names = Object.keys(GRAFANA_VARIABLE_SAMPLES).sort((a, b) => b.length - a.length);
  for (const name of names) out = out.split(name).join(GRAFANA_VARIABLE_SAMPLES[name] ?? name);
  return out;
}

/** Metric names selected by a PromQL expression (`foo{...}`, not `{__name__="foo"}`), sorted. */
export function metricNamesIn(promql: string): string[] {
  const names = new Set<string>();
  parser.parse(promql).iterate({
    enter(node) {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        names.add(promql.slice(node.from, node.to));
      }
    },
  });
  return [...names].sort();
}
