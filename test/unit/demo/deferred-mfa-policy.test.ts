import { describe, expect, it } from 'vitest';
import { DeferredMfaPolicy } from '../../../src/demo/deferred-mfa-policy.js';
import type { MfaPolicy } from '../../../src/demo/login-service/mfa-policy.js';

/** A policy whose flag changes when the test says so. */
class ScriptedPolicy implements MfaPolicy {
  private readonly listeners: (() => void)[] = [];
  isEnforced(): boolean {
    return true;
  }
  onFlagChange(listener: () => void): void {
    this.listeners.push(listener);
  }
  change(): void {
    for (const listener of this.listeners) listener();
  }
}

describe('DeferredMfaPolicy', () => {
  it('reports the connection as a flag change, then forwards the real policy changes', () => {
    const deferred = new DeferredMfaPolicy();
    let changes = 0;
    deferred.onFlagChange(() => changes++);
    expect(deferred.isEnforced('u')).toBe(false);
    const real = new ScriptedPolicy();
    deferred.connect(real);
    expect(changes).toBe(1);
    expect(deferred.isEnforced('u')).toBe(true);
    real.change();
    expect(changes).toBe(2);
    let late = 0;
    deferred.onFlagChange(() => late++);
    real.change();
    expect([changes, late]).toEqual([3, 1]);
  });
});
