import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricNamesIn } from '../../../src/dashboards/promql-names.js';
import { parseRolloutSpec } from '../../../src/rollout-spec/parse-rollout-spec.js';
import { promqlSyntaxErrors } from '../../../src/rollout-spec/promql-syntax.js';
import { knownSeriesNames } from './known-metrics.js';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}

const root = new URL('../../../', import.meta.url);
const rulesFile: { groups: { name: string; rules: Rule[] }[] } = parse(
  readFileSync(new URL('dashboards/alerts/rampart-rules.yaml', root), 'utf8'),
);
const rules = rulesFile.groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: g.name })));
const alert = (name: string) => {
  const found = rules.find((r) => r.alert === name);
  if (!found) throw new Error(`no alert ${name} in rampart-rules.yaml`);
  return found;
};

describe('dashboards/alerts/rampart-rules.yaml', () => {
  it('has the rules the issue asks for', () => {
    expect(rules.filter((r) => r.alert).map((r) => r.alert)).toEqual([
      'RampartRollback',
      'RampartRolloutPausedTooLong',
      'RampartGuardrailError',
      'RampartHarmSuspected',
      'RampartDown',
      'RampartNoLeader',
      'MfaStaffLoginSuccessBelowControl',
    ]);
    expect(alert('RampartRolloutPausedTooLong').for).toBe('30m');
    expect(alert('RampartGuardrailError').for).toBe('10m');
    expect(alert('RampartHarmSuspected').for).toBe('1h');
    expect(alert('MfaStaffLoginSuccessBelowControl').for).toBe('5m');
  });

  it.each(rules.map((r) => [r.alert ?? r.record, r.expr] as const))('%s is valid PromQL', (_name, expr) => {
    expect(promqlSyntaxErrors(expr)).toEqual([]);
  });

  it('selects only metrics that exist: rampart, the contract, up, or a rule recorded here', async () => {
    const known = await knownSeriesNames();
    known.add('up');
    for (const r of rules) if (r.record) known.add(r.record);
    const unknown = rules.flatMap((r) => metricNamesIn(r.expr)).filter((n) => !known.has(n));
    expect(unknown).toEqual([]);
  });

  it("labels rampart's own alerts so they never route back to rampart as a rollback", () => {
    for (const r of rules.filter((r) => r.group === 'rampart')) {
      expect(r.labels?.component, r.alert).toBe('rampart');
      expect(r.labels, r.alert).not.toHaveProperty('rollout');
      // Aggregations by `rollout` would put the label back on the alert.
      expect(r.expr, r.alert).not.toMatch(/by \([^)]*\brollout\b/);
    }
  });

  it('guards mfa-staff with the alert label of flags/mfa-staff.yaml and a 5-point margin', () => {
    const parsed = parseRolloutSpec(
      readFileSync(new URL('flags/mfa-staff.yaml', root), 'utf8'),
      'flags/mfa-staff.yaml',
    );
    if (!parsed.ok) throw parsed.error;
    const spec = parsed.value;
    const guard = alert('MfaStaffLoginSuccessBelowControl');
    expect(guard.labels?.rollout).toBe(spec.name);
    expect(spec.alerts?.match).toEqual({ rollout: guard.labels?.rollout });
    // The alert is the coarse per-attempt backstop (it also acts after completion); the spec's own
    // guardrails count users with relative margins, so the alert keeps its absolute 5 points.
    const margin = /\)\s*>\s*([0-9.]+)\s*\n\s*and on/.exec(guard.expr)?.[1];
    expect(Number(margin)).toBe(0.05);
  });
});
