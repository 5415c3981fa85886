import { afterEach, describe, expect, it } from 'vitest';
import {
  compressSpec,
  DEFAULT_DEMO_SCHEDULE,
  FLAGSHIP_SPEC_PATH,
  loadSpecFile,
} from '../../../src/demo/demo-spec.js';
import { type DemoStack, startDemoStack } from '../../../src/demo/demo-stack.js';
import type { FaultName } from '../../../src/demo/login-service/fault-switches.js';
import type { AnsweredRequest } from '../../../src/demo/login-service/login-service.js';
import { demoPassword } from '../../../src/demo/login-service/user-directory.js';
import { type IncidentResult, playDemoIncident } from '../../../src/demo/play-demo-incident.js';

/**
 * The demo's orchestration in-process, per fault, on a short schedule: steps 25 -> 50 -> 100,
 * bake 3 s, tick and scrape 0.5 s, 300 users at 30 visits/s, the fault 2 s after the start.
 * Everything is real: HTTP traffic, the login service's code paths, rampart scraping /metrics, and
 * the unleash-client SDK reading rampart's client API.
 */
const USERS = 300;
let stack: DemoStack | undefined;
let answers: AnsweredRequest[] = [];

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function play(
  fault: FaultName | 'none',
  rate = 30,
): Promise<{ stack: DemoStack; result: IncidentResult }> {
  const base = await loadSpecFile();
  const spec = {
    ...compressSpec(base, {
      ...DEFAULT_DEMO_SCHEDULE,
      bakeMs: 3000,
      soakMs: 3000,
      tickMs: 500,
      minSamples: 3,
    }),
    steps: [25, 50, 100],
  };
  answers = [];
  const started = Date.now();
  stack = await startDemoStack({
    spec,
    specSource: FLAGSHIP_SPEC_PATH,
    port: 0,
    users: USERS,
    rate,
    scrapeIntervalMs: 500,
    sdkRefreshMs: 250,
    observe: (a) => answers.push(a),
  });
  const lines: string[] = [];
  const result = await playDemoIncident(stack, {
    fault,
    faultAt: { kind: 'after', ms: 2000 },
    out: (line) => lines.push(line),
    startedAt: started,
    // The step before 100 % holds until non-inferiority is shown (the analysis gate), which takes
    // a few hundred logins per arm at this traffic.
    timeoutMs: 90_000,
    pollMs: 100,
  });
  await stack.traffic.stop({ graceMs: 500 });
  expect(lines.length, lines.join('\n')).toBeGreaterThan(0);
  return { stack, result };
}

async function login(s: DemoStack, user: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${s.login.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password: demoPassword(user) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Users who were in treatment during the run (asked for MFA by the service). */
const treatmentUsers = () =>
  new Set(answers.filter((a) => a.variant === 'treatment' && a.userId).map((a) => a.userId as string));

/** After the rollback the SDK sees the flag off: nobody is asked for MFA any more. */
async function expectRolledBackThroughSdk(s: DemoStack, result: IncidentResult): Promise<void> {
  expect(result.outcome).toBe('rolled_back');
  expect(result.expected).toBe(true);
  expect(result.effectiveAt).toBeGreaterThanOrEqual(result.rollback?.at ?? Number.POSITIVE_INFINITY);
  expect(s.userIds.filter((u) => s.sdk.isEnforced(u))).toEqual([]);
  const state = await s.rampart.controller.status('mfa-staff');
  expect(state.phase).toBe('rolled_back');
  // `rampart exposure` for the fault window against the login service's own SDK evaluations.
  const check = result.exposureCheck;
  expect(check?.accounts).toBeGreaterThan(0);
  expect(check?.differences).toEqual([]);
  expect(check?.outOfScope).toBe(0);
  expect(check?.undecided).toBe(0);
  expect(check?.listed).toBe((check?.sdkOn ?? -1) + (check?.beforeFetch ?? 0));
  expect(check?.command).toMatch(/^rampart exposure mfa-staff --from \S+Z --to \S+Z --users ACCOUNTS_FILE$/);
  await expectFleetConfirmed(s);
}

/** rampart's own fleet confirmation: the demo's one SDK instance fetched the revision with the flag off. */
async function expectFleetConfirmed(s: DemoStack): Promise<void> {
  await expect.poll(() => s.rampart.fleet?.view('mfa-staff')?.complete, { timeout: 5000 }).toBe(true);
  const res = await fetch(`${s.rampart.url}/api/rollouts/mfa-staff`, {
    headers: { Authorization: `Bearer ${s.operatorToken}` },
  });
  const { fleet } = (await res.json()) as {
    fleet: { summary: string; confirmed: number; instances: number };
  };
  expect(fleet).toMatchObject({ confirmed: 1, instances: 1 });
  expect(fleet.summary).toMatch(
    /^off on 1 of 1 instances after \d+\.\d s \(slowest demo-login-service\/.+\)$/,
  );
  const metrics = await s.rampart.registry.metrics();
  expect(metrics).toContain('rampart_rollback_fleet_instances{rollout="mfa-staff",state="confirmed"} 1');
  expect(metrics).toMatch(/^rampart_rollback_fleet_confirmation_seconds\{rollout="mfa-staff"\} [\d.]+$/m);
}

describe('rampart demo, one run per fault', () => {
  it('enrollment-crossbind: accounts share one TOTP secret; the zero guardrail rolls back', async () => {
    const { stack: s, result } = await play('enrollment-crossbind');
    await expectRolledBackThroughSdk(s, result);
    expect(result.rollback?.reason).toContain('enrollment-integrity');
    const victims = s.userIds.filter((u) => {
      const owner = s.login.service.enrollments.bindingOf(u)?.owner;
      return owner !== undefined && owner !== u;
    });
    expect(victims.length).toBeGreaterThan(0);
    const shared = s.login.service.enrollments.accountsSharingSecretWith(victims[0] ?? '');
    expect(shared.length).toBeGreaterThanOrEqual(2);
    // Challenges issued before the flag went off may still enroll a moment later; none are missed.
    expect(result.exposure?.users).toBeGreaterThan(0);
    expect(result.exposure?.users).toBeLessThanOrEqual(victims.length);
    // Through the SDK: a user who had to pass MFA now gets a session with the password alone.
    const formerTreatment = [...treatmentUsers()][0] ?? '';
    expect((await login(s, formerTreatment)).body.status).toBe('ok');
  });

  it('logout-loop: treatment users log in again and again; the logout-loop guardrail rolls back', async () => {
    const { stack: s, result } = await play('logout-loop');
    await expectRolledBackThroughSdk(s, result);
    expect(result.rollback?.reason).toContain('logout-loop');
    const faultOn = result.faultOnAt ?? 0;
    const logins = new Map<string, number>();
    for (const a of answers) {
      if (a.at >= faultOn && a.route === '/mfa/verify' && a.status === 200 && a.userId)
        logins.set(a.userId, (logins.get(a.userId) ?? 0) + 1);
    }
    expect(Math.max(0, ...logins.values())).toBeGreaterThanOrEqual(3);
    const rejected = answers.filter((a) => a.at >= faultOn && a.route === '/session' && a.status === 401);
    expect(rejected.length).toBeGreaterThan(0);
    expect(result.exposure?.users).toBe(
      new Set(rejected.filter((a) => a.at <= (result.effectiveAt ?? 0)).map((a) => a.userId)).size,
    );
    const formerTreatment = [...treatmentUsers()][0] ?? '';
    expect((await login(s, formerTreatment)).body.status).toBe('ok');
  });

  it('interceptor-crash: the MFA path answers 500 while password logins work; rolled back', async () => {
    const { stack: s, result } = await play('interceptor-crash');
    await expectRolledBackThroughSdk(s, result);
    expect(result.rollback?.reason).toMatch(/server-errors/);
    const faultOn = result.faultOnAt ?? 0;
    const rollbackAt = result.rollback?.at ?? 0;
    const during = answers.filter((a) => a.at >= faultOn && a.at <= rollbackAt);
    expect(
      during.filter((a) => a.route === '/login' && a.status === 500 && a.variant === 'treatment').length,
    ).toBeGreaterThan(0);
    expect(
      during.filter((a) => a.route === '/login' && a.status === 200 && a.variant === 'control').length,
    ).toBeGreaterThan(0);
    expect(during.filter((a) => a.status === 500 && a.variant === 'control')).toEqual([]);
    expect(result.exposure?.users).toBeGreaterThan(0);
    // The crash is only on the MFA path: with the flag off the same users log in again.
    const formerTreatment = [...treatmentUsers()][0] ?? '';
    expect(await login(s, formerTreatment)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('token-purge: logins fail for flag-on and flag-off users; the global threshold rolls back', async () => {
    const { stack: s, result } = await play('token-purge');
    await expectRolledBackThroughSdk(s, result);
    expect(result.rollback?.reason).toContain('global-login-success');
    const faultOn = result.faultOnAt ?? 0;
    const failed = answers.filter((a) => a.at >= faultOn && a.status >= 500 && a.userId);
    expect(failed.some((a) => a.variant === 'treatment')).toBe(true);
    expect(failed.some((a) => a.variant === 'control')).toBe(true);
    expect(result.exposure?.users).toBeGreaterThan(0);
    // Turning the flag off does not repair the token store: logins still fail, MFA or not.
    const formerTreatment = [...treatmentUsers()][0] ?? '';
    expect((await login(s, formerTreatment)).status).toBe(503);
    // The SDK path still works: once the store is repaired, the same user logs in without MFA.
    s.login.service.faults.set('token-purge', false);
    expect(await login(s, formerTreatment)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  // Twice the traffic: before 100 % the guardrails hold until non-inferiority is shown, which takes
  // a few hundred logins (and logouts) per arm; on a busy CI machine 30 visits/s is too slow for it.
  it('none: every step passes, the release manager approvals are simulated, the rollout completes', async () => {
    const { stack: s, result } = await play('none', 60);
    expect(result.outcome).toBe('completed');
    expect(result.expected).toBe(true);
    expect(result.percentage).toBe(100);
    expect(result.approvals).toEqual([50, 100]);
    expect(result.faultOnAt).toBeUndefined();
    const deadline = Date.now() + 5000;
    while (!s.userIds.every((u) => s.sdk.isEnforced(u)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(s.userIds.every((u) => s.sdk.isEnforced(u))).toBe(true);
    expect((await login(s, 'user-1')).body.status).toBe('mfa_required');
  }, 150_000);
});
