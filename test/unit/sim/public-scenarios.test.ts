import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFixture, run } from './sim-helpers.js';

// The eight public scenarios in bench/scenarios/ (format: docs/scenarios.md).
const PUBLIC = [
  'aa-steady',
  'alert-page',
  'enrollment-crossbind',
  'interceptor-crash',
  'logout-loop',
  'metrics-outage',
  'mfa-drop-5pp',
  'token-purge',
];

describe('public scenarios, seed 1, rampart', () => {
  it('are all present', () => {
    const files = readdirSync('bench/scenarios');
    for (const name of PUBLIC) expect(files).toContain(`${name}.yaml`);
  });

  it.each(PUBLIC)('%s ends as it expects', async (name) => {
    const scenario = await loadFixture(`bench/scenarios/${name}.yaml`);
    const { result } = await run(scenario, { seed: 1 });
    expect({ outcome: result.outcome, correct: result.correct }).toEqual({
      outcome: scenario.expect,
      correct: true,
    });
    if (result.outcome === 'rolled_back') {
      expect(result.finalPercentage).toBe(0);
      expect(result.rollbackEffectiveAt).toBeGreaterThanOrEqual(result.detectedAt ?? 0);
    }
  });

  it('token-purge is rolled back within 60 s of the fault', async () => {
    const { result } = await run(await loadFixture('bench/scenarios/token-purge.yaml'), { seed: 1 });
    expect(result.detectionSeconds).not.toBeNull();
    expect(result.detectionSeconds ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(60);
  });

  it('alert-page is rolled back by the alert itself', async () => {
    const { result } = await run(await loadFixture('bench/scenarios/alert-page.yaml'), { seed: 1 });
    expect(result.reason).toMatch(/alert/);
    expect(result.rollbackEffectiveAt).toBe(20 * 60 + 5); // tick at 20m, write, 5 s propagation
  });
});
