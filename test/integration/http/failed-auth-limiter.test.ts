import { Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createClientApiRouter } from '../../../src/http/routes/client-api.js';
import { bearer, makeApiHarness, TOKENS } from '../../support/api-harness.js';
import { InMemoryClientFeatureSource } from '../../support/in-memory-client-feature-source.js';

const CLIENT_TOKEN = 'sdk-client-token-0123456789';

/** The limiter's threshold (20 failures a minute) and a margin. */
const ATTACK = 30;

function clientApi() {
  const source = new InMemoryClientFeatureSource();
  source.set({ name: 'mfa-staff-login', percentage: 5 });
  return createClientApiRouter({ source, tokens: [CLIENT_TOKEN], registry: new Registry() });
}

const firing = {
  version: '4',
  groupKey: '{}:{rollout="mfa-staff"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'rampart',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://127.0.0.1:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'LoginFailuresHigh', rollout: 'mfa-staff' },
      annotations: { summary: 'login failures above 10 %' },
      startsAt: '2026-11-30T09:40:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://127.0.0.1:9090/graph',
      fingerprint: 'fp-attack',
    },
  ],
};

describe('failed-authentication limiter', () => {
  it('under a mixed attack from one address, valid operator and alertmanager tokens keep working', async () => {
    const h = await makeApiHarness();
    await h.step('mfa-staff');
    for (let i = 0; i < ATTACK; i++) {
      await request(h.app)
        .get('/api/rollouts')
        .set(bearer(`guess-${i}`));
    }
    const blocked = await request(h.app).get('/api/rollouts').set(bearer('one-more-guess'));
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();

    const operator = await request(h.app).get('/api/rollouts').set(bearer(TOKENS.operator));
    expect(operator.status).toBe(200);
    const alert = await request(h.app)
      .post('/api/alerts/alertmanager')
      .set(bearer(TOKENS.alertmanager))
      .send(firing);
    expect(alert.status).toBe(202);
    expect((await h.controller.status('mfa-staff')).phase).toBe('rolled_back');
  });

  it('ignores X-Forwarded-For without trusted proxies: a local process cannot dodge the limit', async () => {
    const h = await makeApiHarness();
    for (let i = 0; i < ATTACK; i++) {
      await request(h.app)
        .get('/api/rollouts')
        .set('X-Forwarded-For', `203.0.113.${i}`)
        .set(bearer(`guess-${i}`));
    }
    const res = await request(h.app)
      .get('/api/rollouts')
      .set('X-Forwarded-For', '203.0.113.250')
      .set(bearer('guess'));
    expect(res.status).toBe(429);
  });

  it('honours X-Forwarded-For from a configured proxy: one client is limited, another is not', async () => {
    const h = await makeApiHarness({ trustedProxies: ['127.0.0.1', '::1'] });
    for (let i = 0; i < ATTACK; i++) {
      await request(h.app)
        .get('/api/rollouts')
        .set('X-Forwarded-For', '203.0.113.7')
        .set(bearer(`g-${i}`));
    }
    const attacker = await request(h.app)
      .get('/api/rollouts')
      .set('X-Forwarded-For', '203.0.113.7')
      .set(bearer('guess'));
    expect(attacker.status).toBe(429);
    const bystander = await request(h.app)
      .get('/api/rollouts')
      .set('X-Forwarded-For', '198.51.100.9')
      .set(bearer('typo'));
    expect(bystander.status).toBe(401);
  });

  it('takes X-Forwarded-Proto: https (and the HTTPS-only headers) only from a configured proxy', async () => {
    const untrusted = await makeApiHarness();
    const plain = await request(untrusted.app).get('/api/openapi.json').set('X-Forwarded-Proto', 'https');
    expect(plain.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const trusted = await makeApiHarness({ trustedProxies: ['127.0.0.1', '::1'] });
    const tls = await request(trusted.app).get('/api/openapi.json').set('X-Forwarded-Proto', 'https');
    expect(tls.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('limits failed client-API authentications, and a valid client token still works', async () => {
    const h = await makeApiHarness({ clientApi: clientApi() });
    for (let i = 0; i < ATTACK; i++) {
      await request(h.app).get('/api/client/features').set('Authorization', `guess-${i}`);
    }
    const blocked = await request(h.app).get('/api/client/features').set('Authorization', 'guess');
    expect(blocked.status).toBe(429);
    const sdk = await request(h.app).get('/api/client/features').set('Authorization', CLIENT_TOKEN);
    expect(sdk.status).toBe(200);
  });

  it('does not count a valid client token on /api/client/delta or an unknown client path as a failure', async () => {
    const h = await makeApiHarness({ clientApi: clientApi() });
    for (let i = 0; i < ATTACK; i++) {
      const delta = await request(h.app).get('/api/client/delta').set('Authorization', CLIENT_TOKEN);
      expect(delta.status).toBe(200);
      const unknown = await request(h.app).get('/api/client/streaming').set('Authorization', CLIENT_TOKEN);
      expect(unknown.status).toBe(404);
    }
    // A single mistyped token from the same address is a plain 401, not a 429: nothing was counted.
    const typo = await request(h.app).get('/api/rollouts').set(bearer('typo'));
    expect(typo.status).toBe(401);
  });
});
