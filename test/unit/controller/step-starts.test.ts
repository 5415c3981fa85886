import { describe, expect, it } from 'vitest';
import { applyCommand } from '../../../src/controller/apply-command.js';
import { moveToStep, pause, rollback } from '../../../src/controller/change.js';
import { newRollout } from '../../../src/controller/new-rollout.js';
import type { RolloutState } from '../../../src/rollout/rollout-state.js';
import { testSpec } from '../../support/controller-harness.js';

const T0 = new Date('2026-11-30T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const by = { actor: 'alice', reason: 'test' };

function ramped(): RolloutState {
  let s = newRollout(testSpec(), 'alice', T0).state;
  s = moveToStep(s, at(0), 0, { ...by, action: 'started' }).state;
  s = moveToStep(s, at(15), 1, { ...by, action: 'advanced' }).state;
  return moveToStep(s, at(30), 2, { ...by, action: 'advanced' }).state;
}

describe('stepStarts: the strata of one rollout run', () => {
  it('starts empty and gets one entry per step move, the last one being the current step', () => {
    expect(newRollout(testSpec(), 'alice', T0).state.stepStarts).toEqual([]);
    const s = ramped();
    const steps = s.spec.steps;
    expect(s.stepStarts).toEqual([
      { stepIndex: 0, percentage: steps[0], at: at(0) },
      { stepIndex: 1, percentage: steps[1], at: at(15) },
      { stepIndex: 2, percentage: steps[2], at: at(30) },
    ]);
    expect(s.stepStarts.at(-1)?.at).toEqual(s.stepStartedAt);
  });

  it("a person's resume from a pause starts a new run at the current step", () => {
    const paused = pause(ramped(), at(35), 'manual', by).state;
    expect(paused.stepStarts).toHaveLength(3);
    const resumed = applyCommand(paused, { rollout: paused.name, kind: 'resume', ...by }, at(40)).state;
    expect(resumed.stepStarts).toEqual([{ stepIndex: 2, percentage: resumed.spec.steps[2], at: at(40) }]);
    expect(resumed.stepStartedAt).toEqual(at(40));
  });

  it('a restart from rolled_back clears the run; the next step move begins a new one', () => {
    const rolled = rollback(ramped(), at(35), { ...by, cause: { kind: 'person', actor: by.actor } }).state;
    const confirmed = { ...rolled, pendingWrite: null };
    const restarted = applyCommand(confirmed, { rollout: rolled.name, kind: 'resume', ...by }, at(50)).state;
    expect(restarted.phase).toBe('pending');
    expect(restarted.stepStarts).toEqual([]);
    const started = moveToStep(restarted, at(51), 0, { ...by, action: 'started' }).state;
    expect(started.stepStarts).toEqual([{ stepIndex: 0, percentage: started.spec.steps[0], at: at(51) }]);
  });
});
