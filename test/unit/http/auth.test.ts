import { describe, expect, it } from 'vitest';
import { type ApiToken, FailedAuthLimiter, findToken, sha256Hex } from '../../../src/http/auth.js';
import type { Clock } from '../../../src/time/clock.js';

const tokens: ApiToken[] = [
  { name: 'ci-viewer', role: 'viewer', sha256: sha256Hex('view-secret') },
  { name: 'release-manager', role: 'operator', sha256: sha256Hex('op-secret') },
];

class SteppedClock implements Clock {
  constructor(private ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

describe('findToken', () => {
  it('finds a token by its digest and returns its name and role', () => {
    expect(findToken(tokens, 'op-secret')).toEqual({ name: 'release-manager', role: 'operator' });
    expect(findToken(tokens, 'view-secret')).toEqual({ name: 'ci-viewer', role: 'viewer' });
  });

  it('rejects unknown tokens, prefixes and the digest itself', () => {
    expect(findToken(tokens, 'op-secre')).toBeUndefined();
    expect(findToken(tokens, '')).toBeUndefined();
    expect(findToken(tokens, sha256Hex('op-secret'))).toBeUndefined();
  });
});

describe('FailedAuthLimiter', () => {
  it('blocks a client after too many failures in a minute and lets it back after the minute', () => {
    const clock = new SteppedClock(0);
    const limiter = new FailedAuthLimiter(clock, 3);
    for (let i = 0; i < 3; i++) {
      limiter.check('10.0.0.1');
      limiter.fail('10.0.0.1');
      clock.advance(1_000);
    }
    expect(() => limiter.check('10.0.0.1')).toThrow(
      expect.objectContaining({ name: 'RequestError', code: 'too_many_requests' }),
    );
    expect(() => limiter.check('10.0.0.2')).not.toThrow();
    clock.advance(58_001);
    expect(() => limiter.check('10.0.0.1')).not.toThrow();
  });

  it('tracks at most maxClients addresses, forgetting the least recently failing one first', () => {
    const clock = new SteppedClock(0);
    const limiter = new FailedAuthLimiter(clock, 1, 2);
    limiter.fail('10.0.0.1');
    limiter.fail('10.0.0.2');
    limiter.fail('10.0.0.1');
    limiter.fail('10.0.0.3');
    expect(() => limiter.check('10.0.0.2')).not.toThrow();
    expect(() => limiter.check('10.0.0.1')).toThrow(expect.objectContaining({ code: 'too_many_requests' }));
    expect(() => limiter.check('10.0.0.3')).toThrow(expect.objectContaining({ code: 'too_many_requests' }));
  });
});
