import { describe, expect, it } from 'vitest';
import type { Verdict, VerdictStatus } from '../../../src/analysis/verdict.js';
import { decide } from '../../../src/controller/transitions.js';
import type { QueuedCommand } from '../../../src/rollout/command.js';
import type { RolloutState } from '../../../src/rollout/rollout-state.js';
import { testSpec } from '../../support/controller-harness.js';

// 14:30 Berlin on a Monday: inside the daily deny hour.
const DENIED = new Date('2026-11-30T13:30:00Z');
const STARTED = new Date('2026-11-30T12:00:00Z');

function running(overrides: Partial<RolloutState> = {}): RolloutState {
  return {
    name: 'mfa-staff',
    spec: testSpec({ windows: { deny: ['* 14 * * *'], timezone: 'Europe/Berlin' } }),
    phase: 'ramping',
    stepIndex: 1,
    percentage: 5,
    stepStartedAt: STARTED,
    stepStarts: [
      { stepIndex: 0, percentage: 1, at: new Date('2026-11-30T11:40:00Z') },
      { stepIndex: 1, percentage: 5, at: STARTED },
    ],
    lastDataAt: STARTED,
    approvedStep: null,
    reason: null,
    pauseKind: null,
    pendingWrite: null,
    lastWritten: { enabled: true, percentage: 5 },
    hold: null,
    refusedSpecHash: null,
    started: { actor: 'alice', reason: 'go', at: STARTED },
    version: 7,
    epoch: 0,
    updatedAt: STARTED,
    ...overrides,
  };
}

function verdicts(status: VerdictStatus, n = 1_000): Verdict[] {
  return ['login-success', 'exposure-balance'].map((guardrail) => ({
    guardrail,
    kind: guardrail === 'login-success' ? 'compare' : 'srm',
    status: guardrail === 'login-success' ? status : 'pass',
    onFail: 'rollback',
    reason: `${guardrail}: ${status}`,
    evidence: { treatment: { n }, control: { n } },
  }));
}

const flagAt5 = { exists: true, enabled: true, percentage: 5 };

describe('decide (pure transitions)', () => {
  it('holds an advance inside a deny window, with every other gate open', () => {
    const { transition } = decide({
      state: running(),
      commands: [],
      flag: flagAt5,
      verdicts: verdicts('pass'),
      now: DENIED,
    });
    expect(transition.state.percentage).toBe(5);
    expect(transition.hold).toBe('outside the allowed windows');
    expect(transition.effects).toEqual([]);
  });

  it('never holds a rollback for a window: a failure in the deny hour rolls back at once', () => {
    const { transition } = decide({
      state: running(),
      commands: [],
      flag: flagAt5,
      verdicts: verdicts('fail'),
      now: DENIED,
    });
    expect(transition.state).toMatchObject({
      phase: 'rolled_back',
      percentage: 0,
      pendingWrite: { purpose: 'rollback' },
    });
    expect(transition.effects.map((e) => e.type)).toEqual(['audit', 'writeFlag', 'notify', 'alert']);
    expect(transition.effects[1]).toEqual({ type: 'writeFlag', write: { action: 'disable' } });
  });

  it('carries the rollback cause as data on the audit effect and the notifications', () => {
    const { transition } = decide({
      state: running(),
      commands: [],
      flag: flagAt5,
      verdicts: verdicts('fail'),
      now: DENIED,
    });
    const cause = { kind: 'guardrail', guardrail: 'login-success', guardrailKind: 'compare' };
    expect(transition.effects[0]).toMatchObject({ type: 'audit', cause });
    expect(transition.effects[2]).toMatchObject({ type: 'notify', notification: { cause } });
    expect(transition.effects[3]).toMatchObject({ type: 'alert', notification: { cause } });
  });

  it('rolls back from paused too: a pause stops the ramp, not the watch', () => {
    const state = running({ phase: 'paused', pauseKind: 'manual', reason: 'lunch' });
    const { transition } = decide({
      state,
      commands: [],
      flag: flagAt5,
      verdicts: verdicts('fail'),
      now: DENIED,
    });
    expect(transition.state.phase).toBe('rolled_back');
  });

  it('is deterministic: the same input gives the same decision', () => {
    const input = { state: running(), commands: [], flag: flagAt5, verdicts: verdicts('fail'), now: DENIED };
    expect(decide(input)).toEqual(decide(input));
  });

  it('applies commands before the guardrails: a manual pause still rolls back on a failure in the same tick', () => {
    const pause: QueuedCommand = {
      id: 1,
      rollout: 'mfa-staff',
      kind: 'pause',
      actor: 'alice',
      reason: 'hold on',
      submittedAt: DENIED,
      status: 'queued',
      result: null,
      appliedAt: null,
    };
    const { transition, outcomes } = decide({
      state: running(),
      commands: [pause],
      flag: flagAt5,
      verdicts: verdicts('fail'),
      now: DENIED,
    });
    expect(outcomes).toEqual([{ id: 1, status: 'applied', result: 'pause applied', at: DENIED }]);
    const audit = transition.effects.flatMap((e) => (e.type === 'audit' ? [e.entry.action] : []));
    expect(audit).toEqual(['paused', 'rolled_back']);
  });

  it('pauses on a hand change before looking at guardrails, and writes nothing', () => {
    const flag = { exists: true, enabled: false, percentage: 5 };
    const now = new Date('2026-11-30T12:30:00Z');
    const { transition } = decide({ state: running(), commands: [], flag, verdicts: verdicts('pass'), now });
    expect(transition.state).toMatchObject({ phase: 'paused', pauseKind: 'external_change' });
    expect(transition.effects.some((e) => e.type === 'writeFlag')).toBe(false);
    expect(transition.state.reason).toContain('changed outside rampart');
  });

  it("pauses when a person adds another strategy beside rampart's, even at the right percentage", () => {
    const flag = { ...flagAt5, otherStrategies: 1 };
    const now = new Date('2026-11-30T12:30:00Z');
    const { transition } = decide({ state: running(), commands: [], flag, verdicts: verdicts('pass'), now });
    expect(transition.state).toMatchObject({ phase: 'paused', pauseKind: 'external_change' });
    expect(transition.state.reason).toContain('on at 5 % with 1 other strategies');
  });

  it('advances one step at a time and records the decided write durably', () => {
    const now = new Date('2026-11-30T12:30:00Z');
    const { transition } = decide({
      state: running(),
      commands: [],
      flag: flagAt5,
      verdicts: verdicts('pass'),
      now,
    });
    expect(transition.state).toMatchObject({
      phase: 'ramping',
      stepIndex: 2,
      percentage: 25,
      stepStartedAt: now,
      pendingWrite: { write: { action: 'set', percentage: 25 }, purpose: 'step', attempts: 0 },
    });
  });

  it('does not advance while the previous step write is unconfirmed', () => {
    const now = new Date('2026-11-30T12:30:00Z');
    const pendingWrite = {
      write: { action: 'set' as const, percentage: 5 },
      purpose: 'step' as const,
      decidedAt: STARTED,
      attempts: 3,
      nextAttemptAt: now,
      lastError: '503',
    };
    const { transition } = decide({
      state: running({ pendingWrite }),
      commands: [],
      flag: { exists: true, enabled: true, percentage: 1 },
      verdicts: verdicts('pass'),
      now,
    });
    expect(transition.state.percentage).toBe(5);
    expect(transition.hold).toBe('flag write not confirmed yet');
  });
});
