import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, spawnTsx } from '../../e2e/support/node-process.js';
import { scrape, total } from '../demo/demo-harness.js';
import { CLIENT_TOKEN, staffOnly, startClientApi, waitFor } from './client-api-server.js';

// The example as its README starts it: from the repository root, through tsx, its unleash-client
// reading rampart's client API. The flag is on for every staff account.
const ADMIN = 'example-admin-token';
let api: Awaited<ReturnType<typeof startClientApi>>;
let example: NodeProcess;
let url: string;

beforeAll(async () => {
  api = await startClientApi();
  api.source.set({ name: 'staff-mfa', percentage: 100, constraints: [staffOnly] });
  example = spawnTsx('examples/staff-login/server.ts', [], {
    NODE_OPTIONS: '--conditions=rampart-source',
    PORT: '0',
    UNLEASH_URL: api.url,
    UNLEASH_TOKEN: CLIENT_TOKEN,
    UNLEASH_REFRESH_MS: '200',
    ADMIN_TOKEN: ADMIN,
  });
  const ready = await example.jsonLine(
    (v): v is { url: string } => typeof (v as { url?: unknown }).url === 'string',
    60_000,
  );
  url = ready.url;
});

afterAll(async () => {
  await example?.stop();
  await api?.close();
});

async function post(path: string, body: unknown, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, string> };
}

/** Password, then the MFA code when asked: returns the session token. */
async function logIn(user: string): Promise<string> {
  const first = await post('/login', { user, password: `${user}-pw` });
  if (first.body.status === 'ok') return first.body.token ?? '';
  const verified = await post('/mfa/verify', { challenge: first.body.challenge, code: '123456' });
  expect(verified.status).toBe(200);
  return verified.body.token ?? '';
}

describe('examples/staff-login', () => {
  it('asks staff for MFA, keeps customers out of scope, and serves the contract on /metrics', async () => {
    expect((await post('/login', { user: 'staff-1', password: 'staff-1-pw' })).body.status).toBe(
      'mfa_required',
    );
    expect((await post('/login', { user: 'customer-1', password: 'customer-1-pw' })).body.status).toBe('ok');
    for (let i = 2; i <= 5; i++) await post('/logout', {}, await logIn(`staff-${i}`));
    await post('/login', { user: 'staff-6', password: 'wrong' });
    await post('/login', { user: 'staff-6', password: 'wrong' });
    const m = await scrape(url);
    expect(total(m, 'flag_exposed_users_total', { variant: 'treatment' })).toBe(6);
    expect(total(m, 'flag_exposed_users_total', { variant: 'control' })).toBe(0);
    expect(total(m, 'flag_exposed_users_total', { variant: 'out_of_scope' })).toBe(1);
    expect(total(m, 'login_users_total', { variant: 'treatment', result: 'failure' })).toBe(1);
    expect(total(m, 'login_attempts_total', { variant: 'treatment', result: 'failure' })).toBe(2);
    expect(total(m, 'mfa_users_total', { variant: 'treatment', result: 'success' })).toBe(4);
    expect(total(m, 'logout_users_total', { variant: 'treatment', repeat: 'first' })).toBe(4);
    expect(total(m, 'flag_exposures_total', { variant: 'out_of_scope' })).toBe(1);
    expect(total(m, 'http_requests_total', { variant: 'treatment', route: '/mfa/verify', code: '200' })).toBe(
      4,
    );
    for (const name of [
      'login_users_total',
      'mfa_users_total',
      'logout_users_total',
      'flag_exposed_users_total',
    ])
      expect(m.some((s) => s.name === name && s.labels.variant === 'control')).toBe(true);
    expect(m.some((s) => Object.values(s.labels).some((v) => /^(staff|customer)-\d/.test(v)))).toBe(false);
  });

  it('switches its bugs on at runtime: a 5xx on MFA and a logout loop show in the user series', async () => {
    expect((await post('/admin/bugs', { name: 'mfa-5xx', on: true })).status).toBe(401);
    expect((await post('/admin/bugs', { name: 'mfa-5xx', on: true }, ADMIN)).body).toEqual({
      bugs: ['mfa-5xx'],
    });
    const first = await post('/login', { user: 'staff-20', password: 'staff-20-pw' });
    expect((await post('/mfa/verify', { challenge: first.body.challenge, code: '123456' })).status).toBe(500);
    await post('/admin/bugs', { name: 'mfa-5xx', on: false }, ADMIN);
    await post('/admin/bugs', { name: 'logout-loop', on: true }, ADMIN);
    for (let bounce = 0; bounce < 3; bounce++) {
      const token = await logIn('staff-21');
      const session = await fetch(`${url}/session`, { headers: { authorization: `Bearer ${token}` } });
      expect(session.status).toBe(401);
      await post('/logout', {}, token);
    }
    const m = await scrape(url);
    expect(total(m, 'login_users_total', { variant: 'treatment', result: 'error' })).toBe(1);
    expect(total(m, 'logout_users_total', { variant: 'treatment', repeat: 'again' })).toBe(1);
    expect(total(m, 'logouts_total', { variant: 'treatment' })).toBeGreaterThanOrEqual(3);
  });

  it('starts a new epoch when the rollout turns the flag off: staff count again, in control', async () => {
    api.source.set({ name: 'staff-mfa', enabled: false, percentage: 100, constraints: [staffOnly] });
    await waitFor(
      async () => total(await scrape(url), 'rampart_instrument_epochs_total') === 2,
      'the new epoch',
    );
    expect((await post('/login', { user: 'staff-1', password: 'staff-1-pw' })).body.status).toBe('ok');
    const m = await scrape(url);
    expect(total(m, 'flag_exposed_users_total', { variant: 'control' })).toBe(1);
  });
});
