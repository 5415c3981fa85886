import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = [
  'scenario',
  'seed',
  'rule',
  'outcome',
  'expected',
  'correct',
  'faultAt',
  'detectedAt',
  'rollbackEffectiveAt',
  'detectionSeconds',
  'exposedUsers',
  'usersAtRisk',
  'failedLoginsDuringFault',
  'treatmentSamplesAtDetection',
  'sprtBoundSamples',
  'scopeLeaks',
  'maxPercentage',
  'faultStep',
  'finalPercentage',
  'finalPhase',
  'stepsReached',
  'reason',
  'simulatedSeconds',
  'wallMs',
];

describe('rampart simulate', () => {
  it('--json prints exactly the result object of docs/scenarios.md', async () => {
    const r = await runCli(['simulate', '--scenario', 'bench/scenarios/token-purge.yaml', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(Object.keys(result)).toEqual(FIELDS);
    expect(result).toMatchObject({
      scenario: 'token-purge',
      seed: 1,
      rule: 'rampart',
      outcome: 'rolled_back',
      faultAt: 1800,
    });
  });

  it('--seeds N runs seeds 1..N and adds a summary; --plot writes an SVG', async () => {
    const plot = join(dir, 'run.svg');
    const r = await runCli([
      'simulate',
      '--scenario',
      'bench/scenarios/interceptor-crash.yaml',
      '--seeds',
      '2',
      '--json',
      '--plot',
      plot,
    ]);
    const out = JSON.parse(r.out);
    expect(out.results.map((x: { seed: number }) => x.seed)).toEqual([1, 2]);
    expect(out.summary).toMatchObject({ scenario: 'interceptor-crash', runs: 2, correctPercent: 100 });
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('rollback effective');
    expect(svg).toContain('serverErrors (treatment)');
  });

  it('runs a scenario outside the repository whose `rollout:` is an absolute path', async () => {
    const scenario = join(dir, 'absolute-rollout.yaml');
    const text = readFileSync('bench/scenarios/token-purge.yaml', 'utf8').replace(
      /^rollout: .*$/m,
      `rollout: ${resolve('flags/mfa-staff.yaml')}`,
    );
    writeFileSync(scenario, text);
    const r = await runCli(['simulate', '--scenario', scenario, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ scenario: 'token-purge', outcome: 'rolled_back' });
  });

  it('prints a human report and exits 1 when a run does not end as expected', async () => {
    const r = await runCli([
      'simulate',
      '--scenario',
      'bench/scenarios/mfa-drop-5pp.yaml',
      '--rule',
      'flagger',
    ]);
    // Flagger on the rollout's threshold and zero guardrails never sees a 5-point MFA drop: global
    // login success stays above its 0.7, so the run ends without a rollback.
    expect(r.out).toMatch(/mfa-drop-5pp seed 1 \(flagger-t5\): \w+, expected rolled_back -> WRONG/);
    expect(r.code).toBe(1);
    const all = await runCli([
      'simulate',
      '--scenario',
      'bench/scenarios/interceptor-crash.yaml',
      '--rule',
      'flagger',
      '--peer-checks',
      'all',
    ]);
    expect(all.out).toMatch(/interceptor-crash seed 1 \(flagger-t5\+cmp\): /);
  });

  it('reports scenario errors with file:line and usage errors with exit 2', async () => {
    const bad = await runCli([
      'simulate',
      '--scenario',
      'test/fixtures/scenarios/invalid-unknown-field.yaml',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(
      'test/fixtures/scenarios/invalid-unknown-field.yaml:7:1: fautls: unknown field',
    );
    expect((await runCli(['simulate'])).code).toBe(2);
    expect((await runCli(['simulate', '--scenario', 'x.yaml', '--rule', 'spinnaker'])).err).toContain(
      '--rule spinnaker is not one of rampart, flagger, argo',
    );
    expect(
      (await runCli(['simulate', '--scenario', 'x.yaml', '--rule', 'flagger', '--peer-checks', 'some'])).err,
    ).toContain('--peer-checks some is not one of limits, all');
    expect((await runCli(['simulate', '--scenario', 'nope.yaml'])).code).toBe(2);
  });
});
