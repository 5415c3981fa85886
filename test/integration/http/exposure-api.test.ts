import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { normalizedValue } from '../../../src/flag-backends/stickiness-hash.js';
import { type ApiHarness, bearer, makeApiHarness, TOKENS } from '../../support/api-harness.js';
import { testSpec } from '../../support/controller-harness.js';

let h: ApiHarness;
const scoped = testSpec({
  name: 'scoped',
  flag: {
    backend: 'embedded',
    name: 'scoped-login',
    constraints: [{ contextName: 'accountType', operator: 'IN', values: ['staff'] }],
  },
  alerts: { match: { rollout: 'scoped' } },
});

/** Ramps `scoped` to 5 %, rolls it back by hand and returns the confirmed fault window. */
async function rollBack(): Promise<{ from: string; to: string; exposureCommand: string }> {
  await h.step('scoped'); // 1 %
  await h.step('scoped', 60_000); // bake over: 5 % (the scripted verdicts pass)
  h.clock.advance(30_000);
  const res = await request(h.app)
    .post('/api/rollouts/scoped/rollback')
    .set(bearer(TOKENS.operator))
    .send({ reason: 'enrollments bound to the wrong account' });
  expect(res.status).toBe(202);
  const audit = await h.store.readAudit({ rollout: 'scoped' });
  const confirmed = audit.find((e) => e.action === 'rollback_confirmed');
  const evidence = confirmed?.evidence as {
    faultWindow: { from: string; to: string; exposureCommand: string };
  };
  return evidence.faultWindow;
}

beforeEach(async () => {
  h = await makeApiHarness();
  await h.controller.register(scoped);
});

describe('the rollback carries its fault window', () => {
  it('audits and notifies the window from the step start to the confirmed rollback, with the command', async () => {
    const window = await rollBack();
    const audit = await h.store.readAudit({ rollout: 'scoped' });
    const step = audit.filter((e) => e.action === 'advanced').at(-1);
    const rolled = audit.find((e) => e.action === 'rolled_back');
    const confirmed = audit.find((e) => e.action === 'rollback_confirmed');
    expect(step?.toPercentage).toBe(5);
    expect(rolled?.evidence).toMatchObject({
      faultWindow: { from: step?.at.toISOString(), to: null, percentage: 5, exposureCommand: null },
    });
    expect(window).toMatchObject({
      from: step?.at.toISOString(),
      to: confirmed?.at.toISOString(),
      percentage: 5,
    });
    expect(window.exposureCommand).toBe(
      `rampart exposure scoped --from ${window.from} --to ${window.to} --users ACCOUNTS_FILE`,
    );
    const notified = h.notifier.sent.filter((n) => n.rollout === 'scoped' && n.faultWindow);
    // The rollback's notification and alert open the window; the confirmation's closes it.
    expect(notified.map((n) => [n.title, n.faultWindow?.to?.toISOString() ?? null])).toEqual([
      ['scoped: rolled back', null],
      ['ALERT scoped: rolled back', null],
      ['scoped: rollback confirmed', window.to],
    ]);
  });
});

describe('POST /api/rollouts/:name/exposure', () => {
  it('decides each account with the SDK hash and the scope, and estimates without accounts', async () => {
    const window = await rollBack();
    const ids = Array.from({ length: 400 }, (_, i) => `user-${i + 1}`);
    const users = [
      ...ids.map((userId, i) => ({ userId, accountType: i % 10 === 0 ? 'contractor' : 'staff' })),
      'no-context-account',
    ];
    const res = await request(h.app)
      .post('/api/rollouts/scoped/exposure')
      .set(bearer(TOKENS.viewer))
      .send({ from: window.from, to: window.to, users, population: 1000 });
    expect(res.status).toBe(200);
    const expected = ids.filter((id, i) => i % 10 !== 0 && normalizedValue(id, 'scoped-login') <= 5);
    const results = res.body.users.results as { userId: string; status: string; reason?: string }[];
    expect(results.filter((r) => r.status === 'exposed').map((r) => r.userId)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
    expect(res.body.users).toMatchObject({ exposed: expected.length, undecided: expect.any(Number) });
    expect(results.at(-1)).toMatchObject({ userId: 'no-context-account' });
    expect(res.body.maxPercentage).toBe(5);
    expect(res.body.estimate).toEqual({ share: 0.05, population: 1000, exposed: 50 });
    // Idempotent: the same question, the same answer.
    const again = await request(h.app)
      .post('/api/rollouts/scoped/exposure')
      .set(bearer(TOKENS.viewer))
      .send({ from: window.from, to: window.to, users, population: 1000 });
    expect(again.body).toEqual(res.body);
  });

  it('refuses bad input with 400 and a JSON error naming the field', async () => {
    const post = (body: object) =>
      request(h.app).post('/api/rollouts/scoped/exposure').set(bearer(TOKENS.viewer)).send(body);
    const from = '2026-11-30T09:00:00Z';
    const cases: [object, RegExp][] = [
      [{ from: 'yesterday', to: from }, /from/],
      [{ from: '2026-11-30T10:00:00Z', to: from }, /from must not be after to/],
      [{ from, to: from, users: [{ accountType: 'staff' }] }, /userId/],
      [{ from, to: from, users: [{ userId: 'a', currentTime: 'x' }] }, /currentTime/],
      [{ from, to: from, users: Array.from({ length: 2001 }, (_, i) => `u${i}`) }, /users/],
      [{ from, to: from, extra: 1 }, /extra/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.message).toMatch(message);
    }
    const unknown = await request(h.app)
      .post('/api/rollouts/nope/exposure')
      .set(bearer(TOKENS.viewer))
      .send({ from, to: from });
    expect(unknown.status).toBe(404);
    expect((await request(h.app).post('/api/rollouts/scoped/exposure').send({ from, to: from })).status).toBe(
      401,
    );
    const openapi = await request(h.app).get('/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toContain('/api/rollouts/{name}/exposure');
  });
});
