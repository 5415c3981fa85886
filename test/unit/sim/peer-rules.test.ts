import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { CheckResult } from '../../../src/guardrails/peer-check.js';
import type { MetricSource } from '../../../src/metric-sources/metric-source.js';
import { rolloutSpecSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';
import { ArgoRule } from '../../../src/sim/peer-rules/argo-rule.js';
import { FlaggerRule } from '../../../src/sim/peer-rules/flagger-rule.js';
import { runPeerChecks } from '../../../src/sim/peer-rules/peer-checks.js';

const MIN = 60_000;
const pass: CheckResult = { status: 'pass', reason: 'login-success: ok' };
const fail: CheckResult = { status: 'fail', reason: 'login-success: bad' };
const nan: CheckResult = { status: 'nan', reason: 'login-success: 0/0 in the interval' };
const noData: CheckResult = { status: 'no-data', reason: 'login-success: no series' };

async function feed(rule: FlaggerRule | ArgoRule, rounds: CheckResult[][]): Promise<(string | null)[]> {
  const decisions: (string | null)[] = [];
  for (const [i, results] of rounds.entries()) {
    await rule.onInterval(async () => results, (i + 1) * MIN);
    decisions.push(rule.decision((i + 1) * MIN).rollback);
  }
  return decisions;
}

describe('Flagger rule', () => {
  it('rolls back at the interval after failedChecks reaches the threshold; passes never reset it', async () => {
    const rule = new FlaggerRule(MIN, 3);
    const d = await feed(rule, [[fail], [pass], [fail], [pass], [pass], [fail], [pass]]);
    expect(d.map((x) => x !== null)).toEqual([false, false, false, false, false, false, true]);
    expect(d[6]).toMatch(/failedChecks 3 >= threshold 3/);
  });

  it('counts no data and NaN as failed checks', async () => {
    const rule = new FlaggerRule(MIN, 2);
    const d = await feed(rule, [[noData], [nan], [pass]]);
    expect(d[2]).toMatch(/failedChecks 2/);
  });

  it('holds the step while the last check failed', async () => {
    const rule = new FlaggerRule(MIN, 5);
    await feed(rule, [[fail]]);
    expect(rule.decision().hold).toMatch(/check failed \(1\/5\)/);
    await feed(rule, [[pass]]);
    expect(rule.decision().hold).toBeNull();
  });
});

describe('Argo rule', () => {
  it('aborts when a metric fails more than failureLimit times', async () => {
    const rule = new ArgoRule(MIN, 3, 4, 2 * MIN);
    const d = await feed(rule, [[fail], [pass], [fail], [fail], [fail]]);
    expect(d.map((x) => x !== null)).toEqual([false, false, false, false, true]);
    expect(d[4]).toMatch(/failed 4 > failureLimit 3/);
  });

  it('aborts after more than consecutiveErrorLimit errors in a row; a good measurement resets the run', async () => {
    const rule = new ArgoRule(MIN, 3, 4, 2 * MIN);
    const d = await feed(rule, [
      [noData],
      [noData],
      [noData],
      [noData],
      [pass],
      [noData],
      [noData],
      [noData],
      [noData],
      [noData],
    ]);
    expect(d.slice(0, 9).every((x) => x === null)).toBe(true);
    expect(d[9]).toMatch(/consecutive errors 5 > consecutiveErrorLimit 4/);
  });

  it('pauses on an inconclusive measurement until the operator resumes it', async () => {
    const rule = new ArgoRule(MIN, 3, 4, 2 * MIN);
    await rule.onInterval(async () => [nan], MIN);
    expect(rule.decision(MIN).hold).toMatch(/inconclusive/);
    expect(rule.decision(2 * MIN).hold).toMatch(/inconclusive/);
    expect(rule.decision(3 * MIN).hold).toBeNull();
    const never = new ArgoRule(MIN, 3, 4, undefined);
    await never.onInterval(async () => [nan], MIN);
    expect(never.decision(100 * MIN).hold).toMatch(/inconclusive/);
  });
});

describe('peer checks: which guardrails a peer is configured with', () => {
  // A hand-written metric source: every counter 100 in treatment and 100 in control; global success 0.5.
  const source: MetricSource = {
    counts: async () => ({ kind: 'counts', treatment: 100, control: 100, unknown: {} }),
    scalar: async () => ({ kind: 'value', value: 0.5, events: 1000 }),
    isOnline: async () => true,
  };
  const spec = rolloutSpecSchema.parse(
    parseYaml(readFileSync('flags/mfa-staff.yaml', 'utf8')) as Record<string, unknown>,
  );

  it('limits: only the threshold and zero guardrails, as docs/scenarios.md says', async () => {
    const r = await runPeerChecks(source, spec, MIN, new Date(10 * MIN), 'limits');
    expect(r.map((x) => x.reason.split(':')[0])).toEqual(['global-login-success', 'enrollment-integrity']);
    // 0.5 is below global-login-success's 0.7 (fail); any mismatch fails enrollment-integrity.
    expect(r.map((x) => x.status)).toEqual(['fail', 'fail']);
  });

  it('all: the same for the flagship, whose users guardrails a peer has no equivalent of', async () => {
    const r = await runPeerChecks(source, spec, MIN, new Date(10 * MIN), 'all');
    expect(r.map((x) => x.reason.split(':')[0])).toEqual(['global-login-success', 'enrollment-integrity']);
  });
});
