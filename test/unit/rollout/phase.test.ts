import { describe, expect, it } from 'vitest';
import { isAdvancing, isFinished, isRunning, PHASES } from '../../../src/rollout/phase.js';

describe('phase predicates', () => {
  it('running phases are the ones with a live step', () => {
    expect(PHASES.filter(isRunning)).toEqual(['ramping', 'awaiting_approval', 'paused', 'soaking']);
  });

  it('finished phases are completed and rolled_back', () => {
    expect(PHASES.filter(isFinished)).toEqual(['completed', 'rolled_back']);
  });

  it('advancing phases are running and not paused', () => {
    expect(PHASES.filter(isAdvancing)).toEqual(['ramping', 'awaiting_approval']);
  });

  it('pending is neither running nor finished', () => {
    expect(isRunning('pending')).toBe(false);
    expect(isFinished('pending')).toBe(false);
  });
});
