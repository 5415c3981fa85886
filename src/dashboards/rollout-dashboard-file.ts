import { promqlSyntaxErrors } from '../rollout-spec/promql-syntax.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { dashboardExpressions } from './dashboard-expressions.js';
import { renderDashboard } from './dashboards.js';
import { grafanaDashboardSchema } from './grafana-dashboard-schema.js';
import { substituteGrafanaVariables } from './promql-names.js';
import { rolloutDashboard } from './rollout-dashboard.js';

/** The file a rollout's dashboard is written to, in the `--out` folder. */
export function rolloutDashboardFileName(name: string): string {
  return `rollout-${name}.json`;
}

/** A rollout's dashboard as file text, and what is wrong with it (nothing is written when anything is). */
export interface GeneratedDashboard {
  file: string;
  text: string;
  problems: string[];
}

/**
 * Builds the dashboard of `spec` and checks it before anyone imports it: the Grafana dashboard shape
 * (grafana-dashboard-schema.ts) and every query with Prometheus' grammar, Grafana variables replaced
 * by sample values.
 */
export function generateRolloutDashboard(spec: RolloutSpec): GeneratedDashboard {
  const built = rolloutDashboard(spec);
  const text = renderDashboard(built);
  const problems: string[] = [];
  const shape = grafanaDashboardSchema.safeParse(JSON.parse(text));
  if (!shape.success) {
    for (const issue of shape.error.issues)
      problems.push(`not a Grafana dashboard: ${issue.path.join('.')}: ${issue.message}`);
  }
  for (const { where, expr } of dashboardExpressions(built)) {
    const error = promqlSyntaxErrors(substituteGrafanaVariables(expr))[0];
    if (error) problems.push(`${where}: ${error.message} in ${expr}`);
  }
  return { file: rolloutDashboardFileName(spec.name), text, problems };
}
