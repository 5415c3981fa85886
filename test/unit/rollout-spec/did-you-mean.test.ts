import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../../src/rollout-spec/did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['bake', 'bake', 0],
    ['bakee', 'bake', 1],
    ['maxDorp', 'maxDrop', 2],
    ['', 'abc', 3],
    ['Tick', 'tick', 0],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('didYouMean', () => {
  const fields = ['bake', 'tick', 'steps', 'noDataTimeout', 'guardrails'];
  it('suggests near misses', () => {
    expect(didYouMean('bakee', fields)).toBe('bake');
    expect(didYouMean('guardrail', fields)).toBe('guardrails');
    expect(didYouMean('noDataTimout', fields)).toBe('noDataTimeout');
  });
  it('stays quiet for unrelated words', () => {
    expect(didYouMean('owner', fields)).toBeUndefined();
    expect(didYouMean('x', fields)).toBeUndefined();
  });
});
