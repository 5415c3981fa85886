import { readFileSync } from 'node:fs';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboardExpressions, dashboardMetricNames } from '../../../src/dashboards/dashboard-expressions.js';
import { DASHBOARD_FILES, renderDashboard } from '../../../src/dashboards/dashboards.js';
import { PROVISIONED_DATASOURCE_UID } from '../../../src/dashboards/grafana-parts.js';
import { METRICS_CONTRACT } from '../../../src/dashboards/metrics-contract.js';
import { metricNamesIn, substituteGrafanaVariables } from '../../../src/dashboards/promql-names.js';
import { generateRolloutDashboard } from '../../../src/dashboards/rollout-dashboard-file.js';
import { phaseCodeExpr } from '../../../src/dashboards/state-panels.js';
import { requiredSeries } from '../../../src/guardrails/required-series.js';
import { PHASES } from '../../../src/rollout/phase.js';
import { parseRolloutSpec } from '../../../src/rollout-spec/parse-rollout-spec.js';
import { promqlSyntaxErrors } from '../../../src/rollout-spec/promql-syntax.js';
import { knownSeriesNames } from './known-metrics.js';

const dashboardsDir = new URL('../../../dashboards/', import.meta.url);

/** The flagship rollout's generated dashboard: the one the README and dashboards/README.md point at. */
function flagship() {
  const parsed = parseRolloutSpec(readFileSync('flags/mfa-staff.yaml', 'utf8'), 'flags/mfa-staff.yaml');
  if (!parsed.ok) throw parsed.error;
  return { spec: parsed.value, ...generateRolloutDashboard(parsed.value) };
}
const FLAGSHIP = flagship();
const BUILT = [
  ...DASHBOARD_FILES.map((d) => ({ file: d.file, built: d.build() })),
  { file: FLAGSHIP.file, built: JSON.parse(FLAGSHIP.text) as dashboard.Dashboard },
];

describe('generated dashboards', () => {
  it('dashboards/rollout-mfa-staff.json is `rampart dashboards flags/mfa-staff.yaml --out dashboards`', () => {
    expect(FLAGSHIP.problems).toEqual([]);
    expect(FLAGSHIP.file).toBe('rollout-mfa-staff.json');
    // On failure: run `npm run dashboards` (or the command above) and commit the result.
    expect(readFileSync(new URL(FLAGSHIP.file, dashboardsDir), 'utf8')).toBe(FLAGSHIP.text);
  });

  it.each(DASHBOARD_FILES.map((d) => [d.file, d] as const))(
    'dashboards/%s equals the generator output',
    (file, d) => {
      const committed = readFileSync(new URL(file, dashboardsDir), 'utf8');
      // On failure: run `npm run dashboards` and commit the result.
      expect(committed).toBe(renderDashboard(d.build()));
    },
  );

  it('has fixed, distinct uids and distinct panel ids', () => {
    const built = BUILT.map((d) => d.built);
    expect(built.map((d) => d.uid)).toEqual(['rampart-rollouts', 'rampart-rollout-mfa-staff']);
    expect(built.map((d) => d.title)).toEqual(['rampart — rollouts', 'Rollout mfa-staff']);
    for (const d of built) {
      const ids = (d.panels ?? []).map((p) => p.id);
      expect(ids.every((id) => typeof id === 'number')).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('renders with sorted keys at every depth', () => {
    const text = renderDashboard({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } } as never);
    expect(text).toBe(
      '{\n  "a": {\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  const expressions = BUILT.flatMap((d) =>
    dashboardExpressions(d.built).map((e) => ({ ...e, where: `${d.file}: ${e.where}` })),
  );

  it('finds the queries of every panel, annotation and variable', () => {
    expect(expressions.length).toBeGreaterThan(25);
    expect(expressions.some((e) => e.where.includes('annotation "Rollbacks"'))).toBe(true);
    expect(expressions.some((e) => e.where.includes('variable "rollout"'))).toBe(true);
  });

  it.each(expressions.map((e) => [e.where, e.expr] as const))('%s is valid PromQL', (_where, expr) => {
    const promql = substituteGrafanaVariables(expr);
    expect(promql, 'a Grafana variable without a sample value').not.toContain('$');
    expect(promqlSyntaxErrors(promql)).toEqual([]);
  });

  it('queries only metrics that rampart registers or the metrics contract defines', async () => {
    const known = await knownSeriesNames();
    const used = dashboardMetricNames(BUILT.map((d) => d.built));
    expect(used.filter((name) => !known.has(name))).toEqual([]);
    // Every metric a guardrail of the flagship names is charted, and each is in the contract.
    const contract = METRICS_CONTRACT.map((m) => m.name);
    const guarded = [...new Set(requiredSeries(FLAGSHIP.spec).series.map((r) => r.metric))];
    expect(guarded.length).toBeGreaterThan(2);
    for (const name of guarded) {
      expect(used).toContain(name);
      expect(contract).toContain(name);
    }
    expect(used).toContain('rampart_rollout_percentage');
    expect(used).toContain('rampart_guardrail_bound');
  });

  it('encodes the one-hot phase as the index of the current phase', () => {
    const expr = phaseCodeExpr();
    PHASES.forEach((p, i) => {
      expect(expr).toContain(`phase="${p}"} * ${i}`);
    });
  });
});

describe('PromQL helpers', () => {
  it('substitutes Grafana variables in both spellings', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} spelling, not a JS template.
    expect(substituteGrafanaVariables('rate(x{r=~"$rollout"}[$__rate_interval]) / ${__range}')).toBe(
      'rate(x{r=~"mfa-staff"}[1m]) / 1h',
    );
  });

  it('reports syntax errors, so a broken panel query fails the validity test', () => {
    expect(promqlSyntaxErrors('sum by (variant) (rate(login_attempts_total[5m])')).not.toEqual([]);
    expect(promqlSyntaxErrors('rate(login_attempts_total[$__rate_interval])')).not.toEqual([]);
    expect(promqlSyntaxErrors('')).not.toEqual([]);
    expect(promqlSyntaxErrors('sum by (variant) (rate(login_attempts_total[5m]))')).toEqual([]);
  });

  it('lists selected metric names, not functions, labels or label values', () => {
    const expr =
      'histogram_quantile(0.9, sum by (le) (rate(a_seconds_bucket{job="b_total"}[1m]))) / on() group_left max(c)';
    expect(metricNamesIn(expr)).toEqual(['a_seconds_bucket', 'c']);
  });
});

describe('Grafana provisioning', () => {
  const read = (path: string) => parse(readFileSync(new URL(path, dashboardsDir), 'utf8'));

  it('provisions the Prometheus data source the dashboards default to', () => {
    const file = read('provisioning/datasources/prometheus.yaml');
    expect(file.apiVersion).toBe(1);
    expect(file.datasources).toEqual([
      expect.objectContaining({ uid: PROVISIONED_DATASOURCE_UID, type: 'prometheus', access: 'proxy' }),
    ]);
    for (const { built } of BUILT) {
      const variable = built.templating?.list?.find((v) => v.name === 'datasource');
      expect(variable?.current?.value).toBe(PROVISIONED_DATASOURCE_UID);
    }
  });

  it('provisions the generated dashboards from files into a rampart folder', () => {
    const file = read('provisioning/dashboards/rampart.yaml');
    expect(file.apiVersion).toBe(1);
    expect(file.providers).toEqual([
      expect.objectContaining({
        type: 'file',
        folder: 'rampart',
        options: expect.objectContaining({ path: expect.any(String) }),
      }),
    ]);
  });
});
