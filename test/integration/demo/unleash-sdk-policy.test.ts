import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUnleashMfaPolicy } from '../../../src/demo/login-service/unleash-mfa-policy.js';
import { errorHandler } from '../../../src/http/error-handler.js';
import { createClientApiRouter } from '../../../src/http/routes/client-api.js';
import { InMemoryClientFeatureSource } from '../../support/in-memory-client-feature-source.js';
import { scrape, startService, total } from './demo-harness.js';
import { fullLogin, login } from './login-flow.js';

const TOKEN = 'default:production.demo-sdk-token';
const FLAG = 'mfa-staff-login';
const source = new InMemoryClientFeatureSource();
let clientApi: Server;
let clientApiUrl: string;

beforeAll(async () => {
  const app = express();
  app.use(createClientApiRouter({ source, tokens: [TOKEN], registry: new Registry() }));
  app.use(errorHandler(pino({ enabled: false })));
  clientApi = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  clientApiUrl = `http://127.0.0.1:${(clientApi.address() as AddressInfo).port}/api/`;
});

afterAll(async () => {
  clientApi.closeAllConnections();
  await new Promise((resolve) => clientApi.close(resolve));
});

describe('MFA decided by the unmodified unleash-client SDK', () => {
  it('requires MFA at 100 %, and stops requiring it once the flag is turned off', async () => {
    // The flagship's scope: the demo's users are staff and say so in their SDK context.
    const staffOnly = {
      contextName: 'accountType',
      operator: 'IN' as const,
      values: ['staff'],
      inverted: false,
      caseInsensitive: false,
    };
    source.set({ name: FLAG, percentage: 100, constraints: [staffOnly] });
    const policy = await startUnleashMfaPolicy({
      url: clientApiUrl,
      clientToken: TOKEN,
      flagName: FLAG,
      refreshIntervalMs: 100,
    });
    const svc = await startService({ policy });
    try {
      const secrets = new Map<string, string>();
      expect((await login(svc.url, 'user-4')).body).toMatchObject({
        status: 'mfa_required',
        enrollmentRequired: true,
      });
      await fullLogin(svc.url, 'user-4', secrets);
      expect(secrets.has('user-4')).toBe(true);

      source.set({ name: FLAG, enabled: false, percentage: 100, constraints: [staffOnly] });
      const deadline = Date.now() + 10_000;
      while (policy.isEnforced('user-4') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const res = await login(svc.url, 'user-4');
      expect(res.body.status).toBe('ok');

      const m = await scrape(svc.url);
      expect(total(m, 'login_attempts_total', { variant: 'treatment', result: 'success' })).toBe(1);
      expect(total(m, 'login_attempts_total', { variant: 'control', result: 'success' })).toBe(1);
      // The flag changed, so a new epoch began: user-4 counts once in each arm's distinct users.
      expect(total(m, 'flag_exposed_users_total', { variant: 'treatment' })).toBe(1);
      expect(total(m, 'flag_exposed_users_total', { variant: 'control' })).toBe(1);
      expect(total(m, 'rampart_instrument_epochs_total')).toBe(2);
    } finally {
      await svc.stop();
    }
  });

  it('fails to start with a clear message when the client API refuses the token', async () => {
    await expect(
      startUnleashMfaPolicy({
        url: clientApiUrl,
        clientToken: 'wrong',
        readyTimeoutMs: 1500,
        refreshIntervalMs: 200,
      }),
    ).rejects.toThrow(/did not synchronise with http:\/\/127\.0\.0\.1:\d+\/api\/ within 1500 ms/);
  });
});
