import { EventEmitter } from 'node:events';
import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { instrumentUnleash, type UnleashLike } from '../../../src/instrument/instrument-unleash.js';
import type { ScopedToggle, UnleashContext } from '../../../src/instrument/unleash-scope.js';
import { readCounter } from './read-counter.js';

const staffOnly = { contextName: 'accountType', operator: 'IN', values: ['staff'], inverted: false };

/** An SDK stand-in: the flag is on for the users in `on`; definitions as unleash-client keeps them. */
class FakeUnleash extends EventEmitter implements UnleashLike {
  on_ = new Set<string>();
  toggles: (ScopedToggle & { name: string })[] = [];
  isEnabled(_name: string, context?: UnleashContext): boolean {
    return this.on_.has(String(context?.userId));
  }
  getFeatureToggleDefinitions(): (ScopedToggle & { name: string })[] {
    return this.toggles;
  }
  change(toggles: (ScopedToggle & { name: string })[]): void {
    this.toggles = toggles;
    this.emit('changed', toggles);
  }
}

const staff = (userId: string) => ({ userId, properties: { accountType: 'staff' } });
const customer = (userId: string) => ({ userId, properties: { accountType: 'customer' } });

function setup(toggles: (ScopedToggle & { name: string })[]) {
  const unleash = new FakeUnleash();
  unleash.toggles = toggles;
  const registry = new Registry();
  const flag = instrumentUnleash({ unleash, flag: 'mfa', registry });
  return {
    unleash,
    registry,
    flag,
    read: (n: string, m?: Record<string, string>) => readCounter(registry, n, m),
  };
}

describe('instrumentUnleash', () => {
  it('puts users outside the flag constraints out of scope, never in control', async () => {
    const { unleash, flag, read } = setup([{ name: 'mfa', strategies: [{ constraints: [staffOnly] }] }]);
    unleash.on_.add('s1');
    expect(flag.evaluate(staff('s1'))).toMatchObject({ enabled: true, variant: 'treatment' });
    expect(flag.evaluate(staff('s2'))).toMatchObject({ enabled: false, variant: 'control' });
    expect(flag.evaluate(customer('c1')).variant).toBe('out_of_scope');
    expect(flag.evaluate({ userId: 'anon' }).variant).toBe('out_of_scope');
    expect(await read('flag_exposed_users_total', { variant: 'control' })).toBe(1);
    expect(await read('flag_exposed_users_total', { variant: 'out_of_scope' })).toBe(2);
  });

  it("labels a bound user's login after their failed one a retry", async () => {
    const { unleash, flag, read } = setup([{ name: 'mfa', strategies: [{ constraints: [staffOnly] }] }]);
    unleash.on_.add('s1');
    flag.evaluate(staff('s1')).login('failure');
    flag.evaluate(staff('s1')).login('success');
    flag.evaluate(staff('s2')).login('success');
    expect(
      await read('login_attempts_total', { variant: 'treatment', attempt: 'first', result: 'failure' }),
    ).toBe(1);
    expect(
      await read('login_attempts_total', { variant: 'treatment', attempt: 'retry', result: 'success' }),
    ).toBe(1);
    expect(
      await read('login_attempts_total', { variant: 'control', attempt: 'first', result: 'success' }),
    ).toBe(1);
  });

  it('reads segments and alternative strategies the way the SDK does', () => {
    const { flag } = setup([
      {
        name: 'mfa',
        strategies: [
          { constraints: [], segments: [{ constraints: [staffOnly] }] },
          { constraints: [{ contextName: 'userId', operator: 'IN', values: ['vip'], inverted: false }] },
          { constraints: [], segments: [undefined] },
        ],
      },
    ]);
    expect(flag.evaluate(staff('s')).variant).toBe('control');
    expect(flag.evaluate(customer('vip')).variant).toBe('control');
    expect(flag.evaluate(customer('c')).variant).toBe('out_of_scope');
  });

  it('treats a flag without strategies as open to everyone, and an unknown flag as control', () => {
    expect(setup([{ name: 'mfa', strategies: [] }]).flag.evaluate(customer('c')).variant).toBe('control');
    expect(
      setup([{ name: 'other', strategies: [{ constraints: [staffOnly] }] }]).flag.evaluate(customer('c'))
        .variant,
    ).toBe('control');
  });

  it('takes a scope predicate instead of the flag constraints', () => {
    const unleash = new FakeUnleash();
    const flag = instrumentUnleash({
      unleash,
      flag: 'mfa',
      registry: new Registry(),
      inScope: (context) => String(context.userId).startsWith('staff-'),
    });
    expect(flag.evaluate({ userId: 'staff-1' }).variant).toBe('control');
    expect(flag.evaluate({ userId: 'cust-1' }).variant).toBe('out_of_scope');
  });

  it('starts a new epoch only when this flag changed, and stops following after close', async () => {
    const defs = [{ name: 'mfa', strategies: [{ constraints: [staffOnly] }] }];
    const { unleash, flag, read } = setup(defs);
    flag.evaluate(staff('s1'));
    unleash.change([...defs, { name: 'other', strategies: [] }]);
    unleash.change([{ strategies: [{ constraints: [staffOnly] }], name: 'mfa' }]);
    flag.evaluate(staff('s1'));
    expect(await read('flag_exposed_users_total', { variant: 'control' })).toBe(1);
    unleash.change([{ name: 'mfa', strategies: [{ constraints: [staffOnly], segments: [] }] }]);
    flag.evaluate(staff('s1'));
    expect(await read('flag_exposed_users_total', { variant: 'control' })).toBe(2);
    flag.close();
    unleash.change(defs);
    flag.evaluate(staff('s1'));
    expect(await read('flag_exposed_users_total', { variant: 'control' })).toBe(2);
    expect(unleash.listenerCount('changed')).toBe(0);
  });

  it('binds outcomes to the evaluated user and labels HTTP requests through the middleware', async () => {
    const { unleash, flag, read } = setup([{ name: 'mfa', strategies: [{ constraints: [staffOnly] }] }]);
    unleash.on_.add('s1');
    const app = express();
    app.use(
      flag.middleware({
        context: (req) => (req.headers['x-user'] ? staff(String(req.headers['x-user'])) : undefined),
      }),
    );
    app.use(express.json());
    app.post('/login', (req, res) => {
      const user = flag.evaluate(customer(String(req.body.user)), res);
      user.login('failure');
      res.status(401).end();
    });
    app.get('/me', (_req, res) => {
      (res.locals.flagUser as { logout(): void }).logout();
      res.json({ variant: res.locals.variant });
    });
    expect((await request(app).get('/me').set('x-user', 's1')).body).toEqual({ variant: 'treatment' });
    await request(app).post('/login').send({ user: 'c9' }).expect(401);
    await request(app).get('/healthz').expect(404);
    expect(await read('http_requests_total', { variant: 'treatment', route: '/me', code: '200' })).toBe(1);
    expect(await read('http_requests_total', { variant: 'out_of_scope', route: '/login', code: '401' })).toBe(
      1,
    );
    expect(await read('http_requests_total', { variant: 'none', route: 'unmatched', code: '404' })).toBe(1);
    expect(await read('login_users_total', { variant: 'out_of_scope', result: 'failure' })).toBe(1);
    expect(await read('logout_users_total', { variant: 'treatment', repeat: 'first' })).toBe(1);
  });
});
