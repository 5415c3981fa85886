import { describe, expect, it } from 'vitest';
import { loadFixture, run } from './sim-helpers.js';

const withoutWall = (r: object) => JSON.stringify({ ...r, wallMs: 0 });

describe('determinism', () => {
  it('same file and seed give the same result bit for bit (apart from wallMs)', async () => {
    const scenario = await loadFixture('bench/scenarios/interceptor-crash.yaml');
    const a = await run(scenario, { seed: 11, timeline: true });
    const b = await run(scenario, { seed: 11, timeline: true });
    expect(withoutWall(a.result)).toBe(withoutWall(b.result));
    expect(JSON.stringify(a.timeline)).toBe(JSON.stringify(b.timeline));
  });

  it('another seed gives other traffic', async () => {
    const scenario = await loadFixture('bench/scenarios/interceptor-crash.yaml');
    const a = await run(scenario, { seed: 1 });
    const b = await run(scenario, { seed: 2 });
    expect(withoutWall(a.result)).not.toBe(withoutWall(b.result));
  });

  it('a peer rule run is deterministic too', async () => {
    const scenario = await loadFixture('bench/scenarios/logout-loop.yaml');
    const a = await run(scenario, { seed: 3, rule: 'argo' });
    const b = await run(scenario, { seed: 3, rule: 'argo' });
    expect(withoutWall(a.result)).toBe(withoutWall(b.result));
    expect(a.result.rule).toBe('argo');
  });
});
