import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller } from '../../../src/controller/controller.js';
import { MetricVerdictSource } from '../../../src/controller/metric-verdict-source.js';
import { EmbeddedFlagBackend } from '../../../src/flag-backends/embedded/embedded-flag-backend.js';
import type { CountQuery, MetricSource, VariantCounts } from '../../../src/metric-sources/metric-source.js';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { testSpec } from '../../support/controller-harness.js';

/**
 * Distinct users since the step start, growing by the minute: 20 treatment and 180 control users
 * arrive per minute; treatment users get the bad outcome at `harm` times control's 2 %.
 */
class UserCounts implements MetricSource {
  constructor(private readonly harm: number) {}
  async counts(q: CountQuery, since: Date, until: Date): Promise<VariantCounts> {
    const minutes = Math.floor((until.getTime() - since.getTime()) / 60_000);
    const t = 20 * minutes;
    const c = 180 * minutes;
    if (q.metric === 'flag_exposed_users_total')
      return { kind: 'counts', treatment: t, control: c, unknown: {} };
    return {
      kind: 'counts',
      treatment: Math.round(t * 0.02 * this.harm),
      control: Math.round(c * 0.02),
      unknown: {},
    };
  }
  async scalar(): Promise<never> {
    throw new Error('no scalars here');
  }
  async isOnline(): Promise<boolean> {
    return true;
  }
}

const spec = testSpec({
  steps: [10, 50, 100],
  bake: '30m',
  minSamples: 1,
  tick: '1m',
  guardrails: [
    {
      name: 'password-failures',
      users: { bad: 'login_users_total', matchers: { result: 'failure' }, maxRatio: 1.5 },
    },
  ],
});

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function rampart(path: string, clock: ManualClock, harm: number) {
  const store = await openSqliteStore({ path });
  const backend = new EmbeddedFlagBackend(store.flags, clock);
  const controller = new Controller({
    store,
    flagBackend: () => backend,
    verdictSource: new MetricVerdictSource(new UserCounts(harm)),
    clock,
  });
  return { store, controller };
}

/** The memory after `ticks` one-minute ticks of a rampart that runs without a restart. */
async function uninterrupted(until: number, ticks: number) {
  const clock = new ManualClock(until - ticks * 60_000);
  const { store, controller } = await rampart(':memory:', clock, 4);
  await controller.register(spec);
  await controller.tick(spec.name);
  for (let i = 0; i < ticks; i++) {
    clock.advance(60_000);
    await controller.tick(spec.name);
  }
  const memory = (await store.getRollout(spec.name))?.guardrailMemory?.['password-failures'];
  await store.close();
  return memory;
}

describe('users evidence in the rollout state', () => {
  it('survives a restart of rampart: the e-values go on from where they were', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-users-'));
    const path = join(dir, 'rampart.db');
    const clock = new ManualClock(Date.parse('2026-11-30T09:00:00Z'));
    const first = await rampart(path, clock, 4);
    await first.controller.register(spec);
    await first.controller.tick(spec.name); // starts at 10 %
    for (let i = 0; i < 6; i++) {
      clock.advance(60_000);
      await first.controller.tick(spec.name);
    }
    const before = (await first.store.getRollout(spec.name))?.guardrailMemory?.['password-failures'];
    expect(before).toBeDefined();
    if (!before) return;
    expect(before.seen.treatment).toBeGreaterThan(0);
    await first.store.close();

    const second = await rampart(path, clock, 4);
    const reloaded = await second.store.getRollout(spec.name);
    expect(reloaded?.guardrailMemory?.['password-failures']).toEqual(before);
    clock.advance(60_000);
    const report = await second.controller.tick(spec.name);
    const after = report.state.guardrailMemory?.['password-failures'];
    expect(after?.seen.treatment).toBeGreaterThan(before.seen.treatment);
    // The same tick of a rampart that never restarted: identical evidence, to the last bit (a fresh
    // start would have taken the whole step's counts as one tick's events at one split).
    expect(after).toEqual(await uninterrupted(clock.now().getTime(), 7));
    let phase = report.state.phase;
    for (let i = 0; i < 30 && phase !== 'rolled_back'; i++) {
      clock.advance(60_000);
      phase = (await second.controller.tick(spec.name)).state.phase;
    }
    expect(phase).toBe('rolled_back');
    await second.store.close();
  });

  it('holds a healthy step until the rate is shown below the margin, then advances', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-users-'));
    const clock = new ManualClock(Date.parse('2026-11-30T09:00:00Z'));
    const { store, controller } = await rampart(join(dir, 'rampart.db'), clock, 1);
    await controller.register(spec);
    await controller.tick(spec.name);
    const holds: string[] = [];
    const reasons: string[] = [];
    let stepIndex = 0;
    for (let i = 0; i < 240 && stepIndex === 0; i++) {
      clock.advance(60_000);
      const r = await controller.tick(spec.name);
      stepIndex = r.state.stepIndex;
      if (r.hold) holds.push(r.hold);
      if (r.verdicts[0]?.status === 'inconclusive') reasons.push(r.verdicts[0].reason);
    }
    expect(stepIndex).toBe(1);
    // Held past the 30 min bake by the non-inferiority gate alone.
    expect(holds.filter((h) => h === 'password-failures inconclusive').length).toBeGreaterThan(60);
    expect(reasons.at(-1)).toMatch(/not yet shown below 1.5x: safe e-value [0-9.]+ of 100 needed$/);
    await store.close();
  });
});
