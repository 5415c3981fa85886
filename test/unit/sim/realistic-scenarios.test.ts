import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/sim/parse-scenario.js';
import { sprtBoundSamples } from '../../../src/sim/sprt-bound.js';
import { loadFixture, run } from './sim-helpers.js';

const DIR = 'bench/scenarios/realistic';
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
const withoutWall = (r: object) => JSON.stringify({ ...r, wallMs: 0 });

describe('the realistic scenario set', () => {
  it('has the locked-user grid, the other A/A populations and the four faults', () => {
    for (const users of [300, 2000, 20000])
      for (const share of ['0p1', '0p5', '1p0']) expect(files).toContain(`aa-locked-${share}-${users}.yaml`);
    for (const name of ['aa-heavy-users', 'aa-novelty-friction', 'aa-drift', 'aa-staff-customers'])
      expect(files).toContain(`${name}.yaml`);
    for (const name of [
      'fault-logout-loop-x1p8',
      'fault-logout-loop-x2',
      'fault-5xx-2pct',
      'fault-login-minus-6pp',
    ])
      expect(files).toContain(`${name}.yaml`);
  });

  it.each(files)('%s parses against the flagship spec, named after its file', async (file) => {
    const s = await loadFixture(`${DIR}/${file}`);
    expect(s.name).toBe(file.replace(/\.yaml$/, ''));
    expect(s.spec.name).toBe('mfa-staff');
    expect(s.spec.bake).toBe(600_000);
    expect(s.expect).toBe(s.faults.length > 0 ? 'rolled_back' : 'completed');
  });

  it('is deterministic per seed with segments, and another seed draws other locked users', async () => {
    const scenario = await loadFixture(`${DIR}/aa-locked-1p0-300.yaml`);
    const a = await run(scenario, { seed: 4 });
    const b = await run(scenario, { seed: 4 });
    expect(withoutWall(a.result)).toBe(withoutWall(b.result));
    const c = await run(scenario, { seed: 5 });
    expect(withoutWall(c.result)).not.toBe(withoutWall(a.result));
  });

  it('faultStep: a fault present from the start meets the first step', async () => {
    const scenario = await loadFixture(`${DIR}/fault-login-minus-6pp.yaml`);
    const { result } = await run({ ...scenario, duration: 1_800_000 }, { seed: 1 });
    expect(result.faultAt).toBe(0);
    expect(result.faultStep).toBe(scenario.spec.steps[0]);
    expect(result.stepsReached[0]).toBe(result.faultStep);
    const healthy = await run({ ...scenario, faults: [], duration: 600_000 }, { seed: 1 });
    expect(healthy.result.faultStep).toBeNull();
  });

  it('the run goes on until duration after completion, and harm done at 100 % counts', {
    timeout: 30_000,
  }, async () => {
    const scenario = await loadFixture('bench/scenarios/aa-steady.yaml');
    // A short soak, so the rollout completes well before the fault at 2h30m; the run lasts 2h45m.
    const spec = { ...scenario.spec, soak: 600_000 };
    const late = {
      effect: 'loginSuccess' as const,
      at: 9_000_000,
      arm: 'treatment' as const,
      loginSuccess: 0,
    };
    const { result } = await run(
      { ...scenario, spec, duration: 9_900_000, faults: [late], expect: 'completed' },
      { seed: 1 },
    );
    expect(result.outcome).toBe('completed');
    expect(result.simulatedSeconds).toBe(9_900);
    expect(result.faultStep).toBe(100);
    expect(result.exposedUsers).toBeGreaterThan(10);
  });

  it('staff next to customers: no customer ever gets the flag', async () => {
    const scenario = await loadFixture(`${DIR}/aa-staff-customers.yaml`);
    const { result } = await run({ ...scenario, duration: 3_600_000 }, { seed: 2 });
    expect(result.scopeLeaks).toBe(0);
    expect(result.maxPercentage).toBeGreaterThan(0);
  });
});

describe('sprtBoundSamples on what the user-level guardrail measures', () => {
  it('a stronger loop or a larger drop needs fewer users', async () => {
    const x18 = sprtBoundSamples(await loadFixture(`${DIR}/fault-logout-loop-x1p8.yaml`));
    const x2 = sprtBoundSamples(await loadFixture(`${DIR}/fault-logout-loop-x2.yaml`));
    expect(x18).not.toBeNull();
    expect(x2).not.toBeNull();
    expect(x2 ?? 0).toBeLessThan(x18 ?? 0);
    const drop = await loadFixture(`${DIR}/fault-login-minus-6pp.yaml`);
    const small = sprtBoundSamples(drop);
    const big = sprtBoundSamples({
      ...drop,
      faults: [{ effect: 'loginSuccessDrop', at: 0, arm: 'treatment', loginSuccessDrop: 0.2 }],
    });
    expect(big ?? 0).toBeGreaterThan(0);
    expect(big ?? 0).toBeLessThan(small ?? 0);
  });

  it('reads the margin of a users guardrail on the fault measure when the spec has one', async () => {
    const s = await loadFixture(`${DIR}/fault-5xx-2pct.yaml`);
    const users = (result: string, maxRatio: number) =>
      ({
        name: `users-${result}`,
        users: { bad: 'login_users_total', matchers: { result }, maxRatio },
      }) as never;
    const spec = { ...s.spec, guardrails: [...s.spec.guardrails, users('error', 2), users('failure', 1.5)] };
    // No 5xx without the fault: the first user who meets one settles it (1 / 0.02 users).
    expect(sprtBoundSamples({ ...s, spec })).toBe(50);
    const drop = await loadFixture(`${DIR}/fault-login-minus-6pp.yaml`);
    const relative = sprtBoundSamples({ ...drop, spec: { ...spec } });
    // 1.5 x 1.5 % against 7.5 % failing users is far easier than 6.5 % (control + 5 points) against 7.5 %.
    expect(relative ?? 0).toBeGreaterThan(0);
    // The absolute margin: the same scenario judged by the v1 flagship's compare guardrail alone.
    const compare = { kind: 'compare', name: 'login-success', compare: { maxDrop: 0.05 } } as never;
    const absolute = { ...drop.spec, guardrails: [compare] };
    expect(relative ?? 0).toBeLessThan((sprtBoundSamples({ ...drop, spec: absolute }) ?? 0) / 10);
  });

  it('a loop below the guardrail margin has no floor (nothing to detect)', async () => {
    const s = await loadFixture(`${DIR}/fault-logout-loop-x2.yaml`);
    expect(
      sprtBoundSamples({
        ...s,
        faults: [{ effect: 'logoutLoop', at: 0, arm: 'treatment', logoutLoop: { factor: 1.1 } }],
      }),
    ).toBeNull();
  });
});

describe('segment rules', () => {
  const base = readFileSync(`${DIR}/aa-locked-0p5-300.yaml`, 'utf8');
  const parse = (text: string) => parseScenario(text, `${DIR}/x.yaml`);

  it('rejects a duplicate name, shares above the whole population and a fault on an unknown segment', async () => {
    const text = base
      .replace(
        '    - { name: locked, share: 0.005, loginSuccess: 0.0, retryOnFailure: 0.95 }',
        '    - { name: locked, share: 0.7 }\n    - { name: locked, share: 0.4 }',
      )
      .replace('faults: []', 'faults:\n  - { at: 0s, arm: treatment, segment: sso, serverErrors: 1 }');
    const result = await parse(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const message = result.error.message;
    expect(message).toMatch(/traffic\.segments\[1\]\.name: "locked" is used twice/);
    expect(message).toMatch(/shares add up to 1\.1, more than the whole population/);
    expect(message).toMatch(/faults\[0\]\.segment: "sso" is not a segment of traffic\.segments/);
  });

  it('accepts the v2 fields', async () => {
    const text = base.replace(
      'faults: []',
      'faults:\n  - { at: 1h, arm: outOfScope, loginSuccess: 0.5 }\n  - { at: 0s, arm: treatment, segment: locked, serverErrors: 1 }',
    );
    const result = await parse(text);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.faults.map((f) => f.arm)).toEqual(['outOfScope', 'treatment']);
    expect(result.value.traffic.segments[0]).toMatchObject({ name: 'locked', activity: 1, inScope: true });
  });
});
