import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/controller/transitions.js';
import { writeOutcome } from '../../../src/controller/write-outcome.js';
import type { FlagState } from '../../../src/flag-backends/flag-backend.js';
import type { RolloutState } from '../../../src/rollout/rollout-state.js';
import { canonicalScope } from '../../../src/rollout-spec/flag-scope.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

const STAFF = { contextName: 'accountType', operator: 'IN' as const, values: ['staff', 'admin'] };
const V2 = { contextName: 'appVersion', operator: 'SEMVER_GT' as const, value: '2.0.0' };
const SCOPED = { backend: 'embedded', name: 'mfa-staff-login', constraints: [STAFF, V2] };
const spec = testSpec({ flag: SCOPED });
const scope = canonicalScope(spec.flag);
const NOW = new Date('2026-11-30T10:00:00Z');
const STARTED = new Date('2026-11-30T09:00:00Z');

function running(overrides: Partial<RolloutState> = {}): RolloutState {
  return {
    name: 'mfa-staff',
    spec,
    phase: 'ramping',
    stepIndex: 1,
    percentage: 5,
    stepStartedAt: STARTED,
    stepStarts: [{ stepIndex: 1, percentage: 5, at: STARTED }],
    lastDataAt: NOW,
    approvedStep: null,
    reason: null,
    pauseKind: null,
    pendingWrite: null,
    lastWritten: { enabled: true, percentage: 5 },
    hold: null,
    refusedSpecHash: null,
    started: { at: STARTED, actor: 'rampart', reason: 'start: auto' },
    version: 3,
    epoch: 0,
    updatedAt: STARTED,
    ...overrides,
  };
}

const read = (s = scope): FlagState => ({ exists: true, enabled: true, percentage: 5, scope: s });
const tick = (flag: FlagState, state = running()) =>
  decide({ state, commands: [], flag, verdicts: [], now: NOW }).transition;

describe('scope drift (pure)', () => {
  it('goes on when the scope reads back as written, whatever the order of values and constraints', () => {
    const reordered = canonicalScope({
      constraints: [
        { ...V2, inverted: false },
        { contextName: 'accountType', operator: 'IN', values: ['admin', 'staff'] },
      ],
    });
    expect(tick(read(reordered)).state.phase).toBe('ramping');
  });

  const cases: [string, ReturnType<typeof canonicalScope>, RegExp][] = [
    ['a constraint removed', canonicalScope({ constraints: [V2] }), /read appVersion SEMVER_GT 2\.0\.0$/],
    [
      'a value changed',
      canonicalScope({
        constraints: [{ ...STAFF, values: ['staff', 'customer'] }, V2],
      }),
      /read accountType IN \[customer, staff\]/,
    ],
    [
      'a constraint added',
      canonicalScope({
        constraints: [...SCOPED.constraints, { contextName: 'region', operator: 'IN', values: ['eu'] }],
      }),
      /AND region IN \[eu\]$/,
    ],
    [
      'inverted by hand',
      canonicalScope({ constraints: [{ ...STAFF, inverted: true }, V2] }),
      /accountType NOT IN/,
    ],
    ['a segment added', { ...scope, segments: ['beta'] }, /AND segments \[beta\]$/],
  ];
  for (const [what, changed, message] of cases) {
    it(`pauses as an outside change on ${what}, alerts, and writes nothing`, () => {
      const t = tick(read(changed));
      expect(t.state).toMatchObject({ phase: 'paused', pauseKind: 'external_change' });
      expect(t.state.reason).toMatch(
        /^flag mfa-staff-login scope changed outside rampart: expected accountType IN \[admin, staff\] AND appVersion SEMVER_GT 2\.0\.0, read /,
      );
      expect(t.state.reason).toMatch(message);
      expect(t.effects.some((e) => e.type === 'writeFlag')).toBe(false);
      expect(t.effects.flatMap((e) => (e.type === 'audit' ? [e.entry.action] : []))).toEqual([
        'external_change',
      ]);
      expect(t.effects.some((e) => e.type === 'notify')).toBe(true);
    });
  }

  it('ignores the scope of a flag rampart left off', () => {
    const state = running({ lastWritten: { enabled: false, percentage: 0 } });
    const off = { exists: true, enabled: false, percentage: 0, scope: canonicalScope({}) };
    expect(tick(off, state).state.phase).toBe('ramping');
  });

  it('does not confirm a write whose read-back lacks the scope: it retries', () => {
    const pending = running({
      pendingWrite: {
        write: { action: 'set', percentage: 25 },
        purpose: 'step',
        decidedAt: NOW,
        attempts: 0,
        nextAttemptAt: NOW,
        lastError: null,
      },
    });
    const t = writeOutcome(pending, { ...read(canonicalScope({})), percentage: 25 }, NOW);
    expect(t.state.pendingWrite).toMatchObject({
      attempts: 1,
      lastError:
        'read back scope everyone, expected accountType IN [admin, staff] AND appVersion SEMVER_GT 2.0.0',
    });
    const ok = writeOutcome(pending, { ...read(), percentage: 25 }, NOW);
    expect(ok.state).toMatchObject({ pendingWrite: null, lastWritten: { enabled: true, percentage: 25 } });
  });
});

describe('scope drift (controller on the embedded backend)', () => {
  it('writes the scope, pauses when a person removes a constraint, and a resume restores it', async () => {
    const h = await makeHarness();
    await h.controller.register(spec);
    await h.step('mfa-staff', 0);
    expect((await h.step('mfa-staff', 60_000)).state.percentage).toBe(5);
    expect((await h.embedded.read(spec.flag)).scope).toEqual(scope);

    const record = await h.store.flags.get(spec.flag);
    if (!record) throw new Error('flag not written');
    await h.store.flags.put({ ...record, constraints: record.constraints.slice(1) }, NOW);
    const writes = h.backend.writes;
    const r = await h.step('mfa-staff', 60_000);
    expect(r.state).toMatchObject({ phase: 'paused', pauseKind: 'external_change' });
    expect(r.state.reason).toContain('scope changed outside rampart');
    for (let i = 0; i < 10; i++) await h.step('mfa-staff', 60_000);
    expect(h.backend.writes).toBe(writes);
    expect((await h.actions('mfa-staff')).filter((a) => a === 'external_change')).toHaveLength(1);

    await h.scheduler.applyNow({ rollout: 'mfa-staff', kind: 'resume', actor: 'alice', reason: 'restored' });
    expect((await h.embedded.read(spec.flag)).scope).toEqual(scope);
    expect((await h.store.getRollout('mfa-staff'))?.phase).toBe('ramping');
  });
});
