import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metricNamesIn, substituteGrafanaVariables } from './promql-names.js';

/** One PromQL expression of a dashboard and where it sits, for messages. */
export interface DashboardExpression {
  where: string;
  expr: string;
}

interface PanelLike {
  title?: string;
  targets?: { expr?: unknown; refId?: string }[];
  panels?: PanelLike[];
}

/** `label_values(selector, label)` -> `selector`; other variable queries are not PromQL. */
function variableSelector(query: unknown): string | undefined {
  if (typeof query !== 'string') return undefined;
  const m = /^label_values\((.*),\s*\w+\)$/s.exec(query.trim());
  return m?.[1];
}

/** Every PromQL expression of a dashboard: panel targets, annotations and variable queries. */
export function dashboardExpressions(d: dashboard.Dashboard): DashboardExpression[] {
  const out: DashboardExpression[] = [];
  const visit = (panels: readonly PanelLike[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        if (typeof t.expr === 'string')
          out.push({ where: `panel "${p.title}" query ${t.refId}`, expr: t.expr });
      }
      visit(p.panels ?? []);
    }
  };
  visit((d.panels ?? []) as PanelLike[]);
  for (const a of d.annotations?.list ?? []) {
    if (a.expr !== undefined) out.push({ where: `annotation "${a.name}"`, expr: a.expr });
  }
  for (const v of d.templating?.list ?? []) {
    const selector = variableSelector(v.query);
    if (selector !== undefined) out.push({ where: `variable "${v.name}"`, expr: selector });
  }
  return out;
}

/** The metric names `dashboards` query, sorted: each must exist in rampart or the contract. */
export function dashboardMetricNames(dashboards: readonly dashboard.Dashboard[]): string[] {
  const names = new Set<string>();
  for (const d of dashboards) {
    for (const { expr } of dashboardExpressions(d)) {
      for (const name of metricNamesIn(substituteGrafanaVariables(expr))) names.add(name);
    }
  }
  return [...names].sort();
}
