import { TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { FaultSwitches, parseFaultName } from '../../../src/demo/login-service/fault-switches.js';
import { MfaEnrollments, totpFor } from '../../../src/demo/login-service/mfa-enrollments.js';
import { MfaInterceptor } from '../../../src/demo/login-service/mfa-interceptor.js';
import { sessionAccepted } from '../../../src/demo/login-service/session-policy.js';
import { type Session, TokenStore } from '../../../src/demo/login-service/token-store.js';
import { ManualClock } from '../../../src/time/manual-clock.js';

const session = (userId: string, mfa = false): Session => ({
  userId,
  variant: mfa ? 'treatment' : 'control',
  mfa,
  authMethods: mfa ? ['pwd', 'totp'] : ['pwd'],
  createdAt: 0,
});

describe('fault switches', () => {
  it('parses known names and lists the valid ones for an unknown name', () => {
    expect(parseFaultName('logout-loop')).toBe('logout-loop');
    expect(() => parseFaultName('token-purg', '--fault')).toThrow(
      expect.objectContaining({ name: 'DemoError', code: 'unknown_fault' }),
    );
    expect(() => parseFaultName('token-purg', '--fault')).toThrow(
      '--fault: unknown fault "token-purg"; valid faults: token-purge, interceptor-crash, logout-loop, enrollment-crossbind',
    );
  });

  it('notifies listeners on changes only', () => {
    const faults = new FaultSwitches(['logout-loop']);
    const seen: string[] = [];
    faults.onChange((name, on) => seen.push(`${name}=${on}`));
    faults.set('logout-loop', true);
    faults.set('token-purge', true);
    faults.set('logout-loop', false);
    expect(seen).toEqual(['token-purge=true', 'logout-loop=false']);
    expect(faults.list()).toEqual(['token-purge']);
  });
});

describe('token store', () => {
  it('finds and revokes sessions by token, never by a guessed one', () => {
    const store = new TokenStore();
    const token = store.create(session('user-1'));
    expect(store.find(token)?.userId).toBe('user-1');
    expect(store.find(`${token}x`)).toBeUndefined();
    expect(store.revoke(token)?.userId).toBe('user-1');
    expect(store.find(token)).toBeUndefined();
  });

  it('after a purge has no sessions and refuses to mint or look up until repaired', () => {
    const store = new TokenStore();
    const token = store.create(session('user-1'));
    store.purge();
    expect(store.size).toBe(0);
    expect(() => store.create(session('user-2'))).toThrow(
      expect.objectContaining({ name: 'DemoError', code: 'token_store_corrupt' }),
    );
    expect(() => store.find(token)).toThrow(/store key has 0 bytes/);
    store.repair();
    expect(store.find(token)).toBeUndefined();
    expect(store.find(store.create(session('user-2')))?.userId).toBe('user-2');
  });
});

describe('MFA enrollments', () => {
  it('binds a fresh secret per account and verifies codes at the clock’s time', () => {
    const clock = new ManualClock();
    const enrollments = new MfaEnrollments(clock);
    const a = enrollments.enroll('user-1', false);
    const b = enrollments.enroll('user-2', false);
    expect(a.ownerMatches && b.ownerMatches).toBe(true);
    expect(a.binding.secret.base32).not.toBe(b.binding.secret.base32);
    const code = totpFor(a.binding).generate({ timestamp: clock.now().getTime() });
    expect(enrollments.verify('user-1', code)).toBe(true);
    expect(enrollments.verify('user-2', code)).toBe(false);
    clock.advance(120_000);
    expect(enrollments.verify('user-1', code)).toBe(false);
  });

  it('with crossbind binds the next account to the last enrolled account’s secret', () => {
    const clock = new ManualClock();
    const enrollments = new MfaEnrollments(clock);
    const first = enrollments.enroll('user-1', true);
    expect(first.ownerMatches).toBe(true);
    const second = enrollments.enroll('user-2', true);
    expect(second.ownerMatches).toBe(false);
    expect(second.binding.owner).toBe('user-1');
    expect(enrollments.accountsSharingSecretWith('user-2')).toEqual(['user-1', 'user-2']);
    const code = new TOTP({ secret: first.binding.secret }).generate({ timestamp: clock.now().getTime() });
    expect(enrollments.verify('user-2', code)).toBe(true);
  });
});

describe('MFA interceptor and session policy', () => {
  it('dereferences a missing method with a TypeError once unloaded', () => {
    const interceptor = new MfaInterceptor(new MfaEnrollments(new ManualClock()));
    expect(interceptor.method('totp').isEnrolled('user-1')).toBe(false);
    interceptor.unload();
    expect(() => interceptor.method('totp').isEnrolled('user-1')).toThrow(TypeError);
    interceptor.load();
    expect(interceptor.method('totp').isEnrolled('user-1')).toBe(false);
  });

  it('rejects MFA sessions only while logout-loop is on', () => {
    expect(sessionAccepted(session('user-1', true), false)).toBe(true);
    expect(sessionAccepted(session('user-1', true), true)).toBe(false);
    expect(sessionAccepted(session('user-2', false), true)).toBe(true);
  });
});
