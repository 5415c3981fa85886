import { describe, expect, it } from 'vitest';
import { flagTimeline, periodsIn } from '../../../src/exposure/flag-timeline.js';
import type { AuditAction, AuditEntry } from '../../../src/rollout/audit.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

let seq = 0;
function entry(
  s: number,
  action: AuditAction,
  toPercentage: number | null,
  evidence: unknown = null,
): AuditEntry {
  seq++;
  return {
    seq,
    at: at(s),
    rollout: 'mfa-staff',
    actor: 'rampart',
    action,
    fromPhase: null,
    fromPercentage: null,
    toPhase: null,
    toPercentage,
    reason: '',
    evidence,
  };
}

const view = (periods: ReturnType<typeof flagTimeline>) =>
  periods.map((p) => [
    (p.from.getTime() - T0) / 1000,
    p.until === null ? null : (p.until.getTime() - T0) / 1000,
    p.percentage,
    p.unknown === undefined ? 'known' : 'unknown',
  ]);

describe('flagTimeline', () => {
  it('counts steps from their decision and a rollback only from its confirmation', () => {
    const log = [
      entry(0, 'created', 0),
      entry(10, 'started', 1),
      entry(20, 'advanced', 5),
      entry(25, 'paused', 5),
      entry(30, 'resumed', 5),
      entry(40, 'advanced', 25),
      entry(50, 'rolled_back', 0),
      entry(52, 'rollback_confirmed', 0),
      entry(60, 'restarted', 0),
    ];
    // Shuffled input: the log's seq decides the order.
    expect(view(flagTimeline([...log].reverse()))).toEqual([
      [0, 10, 0, 'known'],
      [10, 20, 1, 'known'],
      [20, 40, 5, 'known'],
      [40, 52, 25, 'known'],
      [52, null, 0, 'known'],
    ]);
  });

  it('does not know what a hand-changed flag served until rampart writes it again', () => {
    const periods = flagTimeline([
      entry(0, 'created', 0),
      entry(10, 'started', 5),
      entry(20, 'external_change', 5, { read: { enabled: true, percentage: 80 } }),
      entry(30, 'resumed', 5),
    ]);
    expect(view(periods)).toEqual([
      [0, 10, 0, 'known'],
      [10, 20, 5, 'known'],
      [20, 30, 5, 'unknown'],
      [30, null, 5, 'known'],
    ]);
    expect(periods[2]?.unknown).toContain('read on at 80 %');
  });

  it('marks earlier exposure unknown after a spec reload changed the flag', () => {
    const periods = flagTimeline([
      entry(0, 'created', 0),
      entry(10, 'started', 5),
      entry(20, 'rolled_back', 0),
      entry(21, 'rollback_confirmed', 0),
      entry(30, 'spec_reloaded', 0, { changes: ['bake', 'flag'] }),
      entry(40, 'started', 1),
    ]);
    expect(view(periods)).toEqual([
      [0, 10, 0, 'known'],
      [10, 21, 5, 'unknown'],
      [21, 40, 0, 'known'],
      [40, null, 1, 'known'],
    ]);
  });

  it('clips the periods to a window, both ends inclusive', () => {
    const periods = flagTimeline([
      entry(0, 'created', 0),
      entry(10, 'started', 5),
      entry(20, 'advanced', 25),
    ]);
    expect(view(periodsIn(periods, at(10), at(20)))).toEqual([
      [10, 20, 5, 'known'],
      [20, 20, 25, 'known'],
    ]);
    expect(view(periodsIn(periods, at(12), at(15)))).toEqual([[12, 15, 5, 'known']]);
    expect(periodsIn(periods, at(-5), at(-1))).toEqual([]);
    expect(flagTimeline([])).toEqual([]);
  });
});
