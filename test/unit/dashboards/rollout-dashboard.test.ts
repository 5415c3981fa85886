import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardExpressions } from '../../../src/dashboards/dashboard-expressions.js';
import { grafanaDashboardSchema } from '../../../src/dashboards/grafana-dashboard-schema.js';
import { CHART_RANGE, guardrailChart } from '../../../src/dashboards/guardrail-charts.js';
import { rolloutDashboard, rolloutDashboardUid } from '../../../src/dashboards/rollout-dashboard.js';
import { generateRolloutDashboard } from '../../../src/dashboards/rollout-dashboard-file.js';
import { guardrailQueries } from '../../../src/guardrails/registry.js';
import { compileCountQuery } from '../../../src/metric-sources/prometheus/compile-promql.js';
import { parseRolloutSpec } from '../../../src/rollout-spec/parse-rollout-spec.js';
import type { RolloutSpec } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { runCli } from '../cli/run-cli.js';

const SCOPED = `apiVersion: rampart/v1
kind: Rollout
name: checkout-v2
flag: { backend: embedded, name: checkout-v2 }
steps: [10, 100]
variant: { label: arm, treatment: on, control: off }
matchers: { job: checkout }
guardrails:
  - name: success
    compare: { metric: checkout_total, good: { result: ok }, maxDrop: 0.02 }
  - name: retries
    rate: { events: retries_total, per: checkout_total, maxRatio: 1.5 }
  - name: double-charge
    zero: { metric: double_charges_total }
  - name: split
    srm: { metric: checkout_exposed_users_total }
  - name: global
    threshold: { ratio: { metric: checkout_total, good: { result: ok } }, min: 0.9, window: 5m }
  - name: latency
    promql: { query: 'histogram_quantile(0.99, sum by (le) (rate(http_seconds_bucket{rollout="$rollout"}[$window])))', max: 1 }
`;

function spec(text = SCOPED): RolloutSpec {
  const parsed = parseRolloutSpec(text, 'inline.yaml');
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function panelExprs(title: string, s = spec()): string[] {
  return dashboardExpressions(rolloutDashboard(s))
    .filter((e) => e.where.startsWith(`panel "${title}"`))
    .map((e) => e.expr);
}

describe('rollout dashboard', () => {
  it('charts each guardrail with the PromQL its queries compile to, scope and variant label applied', () => {
    const s = spec();
    const [success] = panelExprs('success: compare', s);
    const [good, total] = guardrailQueries(s, s.guardrails[0] as never);
    if (good?.type !== 'counts' || total?.type !== 'counts') throw new Error('compare queries counts');
    // Over a fixed 300 s window the panel's expression is exactly what the guardrail sends Prometheus.
    const since = new Date('2026-12-01T09:00:00Z');
    const until = new Date('2026-12-01T09:05:00Z');
    expect(success?.split(CHART_RANGE).join('300s')).toBe(
      `${compileCountQuery(good.query, since, until).query} / ${compileCountQuery(total.query, since, until).query}`,
    );
    expect(success).toBe(
      'sum by (arm) (increase(checkout_total{job="checkout",result="ok"}[$__rate_interval])) / sum by (arm) (increase(checkout_total{job="checkout"}[$__rate_interval]))',
    );
    expect(panelExprs('retries: rate', s)).toEqual([
      'sum by (arm) (increase(retries_total{job="checkout"}[$__rate_interval])) / sum by (arm) (increase(checkout_total{job="checkout"}[$__rate_interval]))',
    ]);
    expect(panelExprs('global: threshold', s)).toEqual([
      '(sum(increase(checkout_total{job="checkout",result="ok"}[300s])) or vector(0)) / sum(increase(checkout_total{job="checkout"}[300s]))',
    ]);
    expect(panelExprs('latency: promql', s)).toEqual([
      'histogram_quantile(0.99, sum by (le) (rate(http_seconds_bucket{rollout="checkout-v2"}[300s])))',
    ]);
  });

  it('charts a kind without a chart hook query by query, per variant', () => {
    const s = spec();
    expect(panelExprs('double-charge: zero', s)).toEqual([
      'sum by (arm) (increase(double_charges_total{job="checkout"}[$__rate_interval]))',
    ]);
    const chart = guardrailChart(s, s.guardrails[3] as never);
    expect(chart.series).toEqual([
      {
        expr: 'sum by (arm) (increase(checkout_exposed_users_total{job="checkout"}[$__rate_interval]))',
        legend: 'exposures {{arm}}',
      },
    ]);
  });

  it("has the percentage, phase, verdicts, each guardrail's estimate and bound, and transitions", () => {
    const d = rolloutDashboard(spec());
    const all = dashboardExpressions(d).map((e) => `${e.where}: ${e.expr}`);
    expect(all).toContain(
      'panel "Percentage" query A: max(rampart_rollout_percentage{rollout="checkout-v2"})',
    );
    expect(
      all.some((e) =>
        e.startsWith(
          'panel "Phase" query A: sum by (rollout) (rampart_rollout_phase{rollout="checkout-v2",phase="pending"}',
        ),
      ),
    ).toBe(true);
    for (const g of ['success', 'retries', 'double-charge', 'split', 'global', 'latency']) {
      expect(all).toContain(
        `panel "${g}: estimate against bound" query B: max(rampart_guardrail_bound{rollout="checkout-v2",guardrail="${g}"})`,
      );
    }
    expect(d.annotations?.list?.map((a) => a.name)).toEqual(['Phase transitions', 'Rollbacks']);
    expect(d.annotations?.list?.[0]?.expr).toContain('rampart_transitions_total{rollout="checkout-v2"}');
    expect(d.templating?.list?.map((v) => v.name)).toEqual(['datasource']);
  });

  it('passes the Grafana dashboard shape and the PromQL grammar', () => {
    const generated = generateRolloutDashboard(spec());
    expect(generated.problems).toEqual([]);
    expect(generated.file).toBe('rollout-checkout-v2.json');
  });

  it('keeps uids within the 40 characters Grafana allows, distinct for long names', () => {
    expect(rolloutDashboardUid('mfa-staff')).toBe('rampart-rollout-mfa-staff');
    const a = rolloutDashboardUid('a'.repeat(60));
    const b = rolloutDashboardUid(`${'a'.repeat(59)}b`);
    expect(a.length).toBeLessThanOrEqual(40);
    expect(a).not.toBe(b);
  });
});

describe('the Grafana dashboard shape', () => {
  const good = JSON.parse(generateRolloutDashboard(spec()).text);
  const issues = (d: unknown) => {
    const r = grafanaDashboardSchema.safeParse(d);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('refuses what Grafana would not load', () => {
    expect(issues(good)).toEqual([]);
    expect(issues({ ...good, schemaVersion: undefined })).not.toEqual([]);
    expect(issues({ ...good, annotations: undefined })).not.toEqual([]);
    expect(issues({ ...good, panle: [] })).not.toEqual([]);
    const [row, first, ...rest] = good.panels;
    expect(
      issues({ ...good, panels: [row, { ...first, gridPos: { ...first.gridPos, x: 20, w: 12 } }, ...rest] }),
    ).not.toEqual([]);
    expect(issues({ ...good, panels: [row, { ...first, id: row.id }, ...rest] })).toContain(
      `: panel id ${row.id} is used twice`,
    );
    expect(issues({ ...good, panels: [row, { ...first, targets: [{ expr: 'up' }] }, ...rest] })).not.toEqual(
      [],
    );
  });
});

describe('rampart dashboards', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes one dashboard per rollout and checks them with --check', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-dashboards-'));
    const out = join(dir, 'out');
    const run = await runCli(['dashboards', 'flags/', '--out', out]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const flagship = parseRolloutSpec(readFileSync('flags/mfa-staff.yaml', 'utf8'), 'flags/mfa-staff.yaml');
    const count = flagship.ok ? flagship.value.guardrails.length : -1;
    expect(run.out).toContain(
      `wrote ${join(out, 'rollout-mfa-staff.json')} (rollout mfa-staff, ${count} guardrail(s))`,
    );
    expect(run.out).toContain('rollout-new-checkout.json');
    expect(readFileSync(join(out, 'rollout-mfa-staff.json'), 'utf8')).toBe(
      readFileSync('dashboards/rollout-mfa-staff.json', 'utf8'),
    );
    expect((await runCli(['dashboards', 'flags/', '--out', out, '--check'])).code).toBe(0);
    writeFileSync(join(out, 'rollout-mfa-staff.json'), '{}\n');
    const stale = await runCli(['dashboards', 'flags/', '--out', out, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain('rollout-mfa-staff.json is out of date');
  });

  it('needs --out, refuses a missing path and reports an invalid spec', async () => {
    expect((await runCli(['dashboards', 'flags/'])).code).toBe(2);
    expect((await runCli(['dashboards', 'nope/', '--out', '/tmp/none'])).code).toBe(2);
    const invalid = await runCli([
      'dashboards',
      'test/fixtures/specs/invalid-alpha-zero.yaml',
      '--out',
      '/tmp/none',
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('invalid-alpha-zero.yaml');
  });
});
