import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, scrape, setFault, startService, total } from './demo-harness.js';
import { codeFor, fullLogin, login } from './login-flow.js';

// Odd users (user-1, user-3, ...) must pass MFA; even users log in with a password only.
let svc: Awaited<ReturnType<typeof startService>>;
let url: string;
let secrets: Map<string, string>;

beforeEach(async () => {
  svc = await startService();
  url = svc.url;
  secrets = new Map();
});

afterEach(async () => {
  await svc.stop();
});

describe('healthy login service', () => {
  it('logs a control user in with a password, checks and ends the session', async () => {
    const res = await login(url, 'user-2');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
    const token = String(res.body.token);
    expect(await call(url, 'GET', '/session', { token })).toEqual({
      status: 200,
      body: { user: 'user-2', mfa: false, variant: 'control' },
    });
    expect((await call(url, 'POST', '/logout', { token })).status).toBe(204);
    expect((await call(url, 'GET', '/session', { token })).status).toBe(401);
    expect((await call(url, 'POST', '/login', { body: { user: 'user-2', password: 'nope' } })).status).toBe(
      401,
    );
  });

  it('asks a treatment user to enroll once, then accepts TOTP codes and rejects wrong ones', async () => {
    const first = await login(url, 'user-1');
    expect(first.body).toMatchObject({ status: 'mfa_required', enrollmentRequired: true });
    const enrolled = await call(url, 'POST', '/mfa/enroll', { body: { challenge: first.body.challenge } });
    expect(enrolled.status).toBe(201);
    expect(String(enrolled.body.uri)).toMatch(/^otpauth:\/\/totp\/rampart-demo:user-1\?/);
    const secret = String(enrolled.body.secret);
    const again = await call(url, 'POST', '/mfa/enroll', { body: { challenge: first.body.challenge } });
    expect(again.status).toBe(409);
    const verified = await call(url, 'POST', '/mfa/verify', {
      body: { challenge: first.body.challenge, code: codeFor(secret) },
    });
    expect(verified).toMatchObject({ status: 200, body: { status: 'ok' } });
    const session = await call(url, 'GET', '/session', { token: String(verified.body.token) });
    expect(session.body).toEqual({ user: 'user-1', mfa: true, variant: 'treatment' });
    // A challenge is answered once.
    const replay = await call(url, 'POST', '/mfa/verify', {
      body: { challenge: first.body.challenge, code: codeFor(secret) },
    });
    expect(replay.status).toBe(404);

    const second = await login(url, 'user-1');
    expect(second.body).toMatchObject({ status: 'mfa_required', enrollmentRequired: false });
    const wrong = String((Number(codeFor(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    const refused = await call(url, 'POST', '/mfa/verify', {
      body: { challenge: second.body.challenge, code: wrong },
    });
    expect(refused.status).toBe(401);

    const m = await scrape(url);
    expect(total(m, 'login_attempts_total', { variant: 'treatment', result: 'success' })).toBe(1);
    expect(total(m, 'login_attempts_total', { variant: 'treatment', result: 'failure' })).toBe(1);
    expect(total(m, 'mfa_challenges_total', { variant: 'treatment', result: 'failure' })).toBe(1);
    expect(total(m, 'mfa_enrollments_total', { variant: 'treatment' })).toBe(1);
    expect(total(m, 'mfa_enrollment_owner_mismatch_total')).toBe(0);
  });

  it('emits exactly the metrics contract of docs/architecture.md', async () => {
    const control = await fullLogin(url, 'user-2', secrets);
    await fullLogin(url, 'user-3', secrets);
    await fullLogin(url, 'user-3', secrets);
    await call(url, 'POST', '/logout', { token: control });
    const m = await scrape(url);
    const labelsOf = (name: string) =>
      new Set(m.filter((s) => s.name === name).map((s) => Object.keys(s.labels).sort().join(',')));
    expect(labelsOf('login_attempts_total')).toEqual(new Set(['attempt,result,variant']));
    expect(labelsOf('logouts_total')).toEqual(new Set(['variant']));
    expect(labelsOf('mfa_challenges_total')).toEqual(new Set(['result,variant']));
    expect(labelsOf('mfa_enrollments_total')).toEqual(new Set(['variant']));
    expect(labelsOf('mfa_enrollment_owner_mismatch_total')).toEqual(new Set(['variant']));
    expect(labelsOf('http_requests_total')).toEqual(new Set(['code,route,variant']));
    expect(labelsOf('flag_exposures_total')).toEqual(new Set(['variant']));
    const results = new Set(m.filter((s) => s.name === 'login_attempts_total').map((s) => s.labels.result));
    expect(results).toEqual(new Set(['success', 'failure', 'error']));
    const attempts = new Set(m.filter((s) => s.name === 'login_attempts_total').map((s) => s.labels.attempt));
    expect(attempts).toEqual(new Set(['first', 'retry']));
    const variants = new Set(m.filter((s) => s.name === 'flag_exposures_total').map((s) => s.labels.variant));
    expect(variants).toEqual(new Set(['treatment', 'control']));

    expect(total(m, 'flag_exposures_total', { variant: 'treatment' })).toBe(2);
    expect(total(m, 'flag_exposures_total', { variant: 'control' })).toBe(1);
    expect(total(m, 'login_attempts_total', { variant: 'treatment', result: 'success' })).toBe(2);
    expect(total(m, 'login_attempts_total', { variant: 'control', result: 'success' })).toBe(1);
    expect(total(m, 'mfa_challenges_total', { variant: 'treatment', result: 'success' })).toBe(2);
    expect(total(m, 'logouts_total', { variant: 'control' })).toBe(1);
    expect(total(m, 'logouts_total', { variant: 'treatment' })).toBe(0);
    expect(total(m, 'http_requests_total', { variant: 'control', route: '/login', code: '200' })).toBe(1);
    expect(total(m, 'http_requests_total', { variant: 'treatment', route: '/login', code: '200' })).toBe(2);
    expect(total(m, 'http_requests_total', { variant: 'treatment', route: '/mfa/verify', code: '200' })).toBe(
      2,
    );
    expect(total(m, 'http_requests_total', { variant: 'control', route: '/logout', code: '204' })).toBe(1);
  });

  it('labels the login after a failed one of the same user a retry (attempt label)', async () => {
    // user-2 logs in with a password only, user-1 passes MFA: both arms label alike.
    for (const user of ['user-2', 'user-1']) {
      expect((await call(url, 'POST', '/login', { body: { user, password: 'nope' } })).status).toBe(401);
      await fullLogin(url, user, secrets);
    }
    await fullLogin(url, 'user-4', secrets);
    const m = await scrape(url);
    for (const variant of ['treatment', 'control']) {
      expect(total(m, 'login_attempts_total', { variant, attempt: 'first', result: 'failure' })).toBe(1);
      expect(total(m, 'login_attempts_total', { variant, attempt: 'retry', result: 'success' })).toBe(1);
    }
    expect(
      total(m, 'login_attempts_total', { variant: 'control', attempt: 'first', result: 'success' }),
    ).toBe(1);
    expect(total(m, 'login_attempts_total', { attempt: 'retry', result: 'failure' })).toBe(0);
  });

  it('emits the distinct-user series: once per user, MFA friction not counted as a login failure', async () => {
    const wrongPassword = { user: 'user-2', password: 'wrong' };
    for (let i = 0; i < 3; i++) await call(url, 'POST', '/login', { body: wrongPassword });
    const first = await fullLogin(url, 'user-2', secrets);
    await call(url, 'POST', '/logout', { token: first });
    const second = await fullLogin(url, 'user-2', secrets);
    await call(url, 'POST', '/logout', { token: second });
    await fullLogin(url, 'user-3', secrets);
    const challenge = (await login(url, 'user-3')).body.challenge;
    await call(url, 'POST', '/mfa/verify', { body: { challenge, code: '000000' } });
    await fullLogin(url, 'user-3', secrets);
    const m = await scrape(url);
    expect(total(m, 'flag_exposed_users_total', { variant: 'control' })).toBe(1);
    expect(total(m, 'flag_exposed_users_total', { variant: 'treatment' })).toBe(1);
    expect(total(m, 'login_attempts_total', { variant: 'control', result: 'failure' })).toBe(3);
    expect(total(m, 'login_users_total', { variant: 'control', result: 'failure' })).toBe(1);
    expect(total(m, 'login_users_total', { variant: 'control', result: 'success' })).toBe(1);
    // The wrong code is an MFA failure of the user, not a failed login (it still folds into attempts).
    expect(total(m, 'mfa_users_total', { variant: 'treatment', result: 'failure' })).toBe(1);
    expect(total(m, 'mfa_users_total', { variant: 'treatment', result: 'success' })).toBe(1);
    expect(total(m, 'login_users_total', { variant: 'treatment', result: 'failure' })).toBe(0);
    expect(total(m, 'login_attempts_total', { variant: 'treatment', result: 'failure' })).toBe(1);
    expect(total(m, 'logout_users_total', { variant: 'control', repeat: 'first' })).toBe(1);
    expect(total(m, 'logout_users_total', { variant: 'control', repeat: 'again' })).toBe(1);
    expect(m.some((s) => Object.values(s.labels).some((v) => v.startsWith('user-')))).toBe(false);
  });

  it('guards the admin endpoint and names the valid faults', async () => {
    const noToken = await call(url, 'POST', '/admin/faults', { body: { name: 'token-purge', on: true } });
    expect(noToken.status).toBe(401);
    const wrongToken = await call(url, 'POST', '/admin/faults', {
      body: { name: 'token-purge', on: true },
      token: 'x',
    });
    expect(wrongToken.status).toBe(401);
    const unknown = await call(url, 'POST', '/admin/faults', {
      body: { name: 'disk-full', on: true },
      token: 'demo-admin-token-for-tests',
    });
    expect(unknown.status).toBe(400);
    expect(String(unknown.body.message)).toContain(
      'valid faults: token-purge, interceptor-crash, logout-loop, enrollment-crossbind',
    );
    expect((await call(url, 'GET', '/healthz')).body).toMatchObject({ status: 'ok', users: 50, faults: [] });
  });
});

describe('the incident’s faults, for real', () => {
  it('enrollment-crossbind: the second account is bound to the first one’s secret, and the check counts it', async () => {
    await setFault(url, 'enrollment-crossbind', true);
    await fullLogin(url, 'user-5', secrets);
    await fullLogin(url, 'user-7', secrets);
    expect(secrets.get('user-7')).toBe(secrets.get('user-5'));
    expect(svc.service.enrollments.accountsSharingSecretWith('user-7')).toEqual(['user-5', 'user-7']);
    // user-5's authenticator now opens user-7's account.
    const challenge = (await login(url, 'user-7')).body.challenge;
    const code = codeFor(String(secrets.get('user-5')));
    const verified = await call(url, 'POST', '/mfa/verify', { body: { challenge, code } });
    const session = await call(url, 'GET', '/session', { token: String(verified.body.token) });
    expect(session.body.user).toBe('user-7');
    const m = await scrape(url);
    expect(total(m, 'mfa_enrollment_owner_mismatch_total', { variant: 'treatment' })).toBe(1);
    expect(total(m, 'mfa_enrollments_total', { variant: 'treatment' })).toBe(2);

    await setFault(url, 'enrollment-crossbind', false);
    await fullLogin(url, 'user-9', secrets);
    expect(secrets.get('user-9')).not.toBe(secrets.get('user-5'));
    expect(total(await scrape(url), 'mfa_enrollment_owner_mismatch_total')).toBe(1);
  });

  it('logout-loop: MFA sessions are rejected right after login; password-only sessions are not', async () => {
    await setFault(url, 'logout-loop', true);
    const mfaToken = await fullLogin(url, 'user-1', secrets);
    expect(await call(url, 'GET', '/session', { token: mfaToken })).toMatchObject({
      status: 401,
      body: { code: 'session_rejected' },
    });
    const controlToken = await fullLogin(url, 'user-2', secrets);
    expect((await call(url, 'GET', '/session', { token: controlToken })).status).toBe(200);
    await setFault(url, 'logout-loop', false);
    expect((await call(url, 'GET', '/session', { token: mfaToken })).status).toBe(200);
  });

  it('interceptor-crash: every MFA request answers 500 from a real TypeError; password logins work', async () => {
    const logs: string[] = [];
    await svc.stop();
    svc = await startService({ logger: pino({}, { write: (line: string) => logs.push(line) }) });
    url = svc.url;
    const pending = (await login(url, 'user-3')).body.challenge;
    await setFault(url, 'interceptor-crash', true);
    const crashed = await login(url, 'user-1');
    expect(crashed).toEqual({
      status: 500,
      body: { code: 'internal', message: 'internal error; see rampart logs' },
    });
    expect((await call(url, 'POST', '/mfa/enroll', { body: { challenge: pending } })).status).toBe(500);
    expect(
      (await call(url, 'POST', '/mfa/verify', { body: { challenge: pending, code: '123456' } })).status,
    ).toBe(500);
    const crashes = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'unhandled');
    expect(crashes).toHaveLength(3);
    expect(crashes[0].err).toMatchObject({
      type: 'TypeError',
      message: "Cannot read properties of undefined (reading 'isEnrolled')",
    });
    expect(crashes[2].err.message).toBe("Cannot read properties of undefined (reading 'verify')");
    const control = await login(url, 'user-2');
    expect(control.body.status).toBe('ok');
    let m = await scrape(url);
    expect(total(m, 'login_attempts_total', { variant: 'treatment', result: 'error' })).toBe(2);
    expect(total(m, 'login_users_total', { variant: 'treatment', result: 'error' })).toBe(2);
    expect(total(m, 'login_attempts_total', { variant: 'control', result: 'success' })).toBe(1);
    expect(total(m, 'http_requests_total', { variant: 'treatment', route: '/login', code: '500' })).toBe(1);
    expect(total(m, 'http_requests_total', { variant: 'treatment', route: '/mfa/enroll', code: '500' })).toBe(
      1,
    );

    await setFault(url, 'interceptor-crash', false);
    await fullLogin(url, 'user-1', secrets);
    m = await scrape(url);
    expect(total(m, 'login_attempts_total', { variant: 'treatment', result: 'success' })).toBe(1);
  });

  it('token-purge: existing sessions are gone and logins fail for flag-on and flag-off users', async () => {
    const controlToken = await fullLogin(url, 'user-2', secrets);
    const mfaToken = await fullLogin(url, 'user-1', secrets);
    await setFault(url, 'token-purge', true);
    expect(svc.service.tokens.size).toBe(0);
    expect(await call(url, 'GET', '/session', { token: controlToken })).toMatchObject({
      status: 503,
      body: { code: 'token_store_corrupt' },
    });
    expect((await call(url, 'GET', '/session', { token: mfaToken })).status).toBe(503);
    expect((await login(url, 'user-4')).status).toBe(503);
    const challenge = (await login(url, 'user-1')).body.challenge;
    const verify = await call(url, 'POST', '/mfa/verify', {
      body: { challenge, code: codeFor(String(secrets.get('user-1'))) },
    });
    expect(verify.status).toBe(503);
    const m = await scrape(url);
    expect(total(m, 'login_attempts_total', { variant: 'control', result: 'error' })).toBe(1);
    expect(total(m, 'login_attempts_total', { variant: 'treatment', result: 'error' })).toBe(1);

    await setFault(url, 'token-purge', false);
    expect((await call(url, 'GET', '/session', { token: controlToken })).status).toBe(401);
    expect(
      (await call(url, 'GET', '/session', { token: await fullLogin(url, 'user-2', secrets) })).status,
    ).toBe(200);
  });

  it('takes faults from the constructor too (CLI flags)', async () => {
    const other = await startService({ faults: ['token-purge', 'logout-loop'] });
    try {
      expect((await call(other.url, 'GET', '/healthz')).body.faults).toEqual(['token-purge', 'logout-loop']);
      expect((await login(other.url, 'user-2')).status).toBe(503);
    } finally {
      await other.stop();
    }
  });
});
