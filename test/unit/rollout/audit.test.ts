import { describe, expect, it } from 'vitest';
import { auditEntry } from '../../../src/rollout/audit.js';

const at = new Date('2025-03-03T10:00:00Z');

describe('auditEntry', () => {
  it('records where the rollout moved from and to', () => {
    const entry = auditEntry(
      { name: 'mfa', phase: 'ramping', percentage: 5 },
      { phase: 'rolled_back', percentage: 0 },
      { at, actor: 'rampart', action: 'rolled_back', reason: 'guardrail x', evidence: { a: 1 } },
    );
    expect(entry).toEqual({
      at,
      rollout: 'mfa',
      actor: 'rampart',
      action: 'rolled_back',
      fromPhase: 'ramping',
      fromPercentage: 5,
      toPhase: 'rolled_back',
      toPercentage: 0,
      reason: 'guardrail x',
      evidence: { a: 1 },
    });
  });

  it('stores null evidence when none is given, and null origin before creation', () => {
    const entry = auditEntry(
      { name: 'mfa', phase: null, percentage: null },
      { phase: 'pending', percentage: 0 },
      { at, actor: 'spec-file', action: 'created', reason: 'registered' },
    );
    expect(entry.evidence).toBeNull();
    expect(entry.fromPhase).toBeNull();
    expect(entry.fromPercentage).toBeNull();
    expect(entry.toPhase).toBe('pending');
  });
});
