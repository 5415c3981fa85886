import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullStack, startFullStack, stopAll } from './support/full-stack.js';
import {
  type AuditEntry,
  alertmanagerAlerts,
  loginStatus,
  pollUntil,
  prometheusAlerts,
  prometheusValue,
  RampartApi,
  readUnleashFlag,
  setDemoFault,
} from './support/observers.js';
import { DRILL_ALERT, REPO_ROOT, ROLLOUT } from './support/stack-files.js';

/*
 * The whole loop on real parts: PostgreSQL, unleash-server 7.4.1, the demo login service reading the
 * flag through unleash-client with traffic against it, Prometheus scraping it and rampart, Alertmanager
 * routing rollout alerts to rampart, and `rampart run` as a child process. Every check reads the
 * flag back from Unleash's Admin API, not from rampart. Timings go to test-artifacts/e2e-timings.json.
 */

const MISMATCHES = 'mfa_enrollment_owner_mismatch_total{job="login"}';
const stops: (() => Promise<unknown>)[] = [];
let stack: FullStack;
let api: RampartApi;
const suiteStart = Date.now();
const timings: Record<string, unknown> = {};
/** Milliseconds since the stack was up, for the step timeline. */
let stackUpAt = 0;

/** A user the demo's SDK has the flag on for (login answers `mfa_required`). */
let treatmentUser: string | undefined;
/** Audit seq of the guardrail rollback, so the alert rollback is told apart from it. */
let firstRollbackSeq = 0;

beforeAll(async () => {
  try {
    stack = await startFullStack(stops);
  } catch (error) {
    await stopAll(stops).catch(() => undefined);
    throw error;
  }
  stackUpAt = Date.now();
  timings.startupMs = stackUpAt - suiteStart;
  timings.pids = stack.pids();
  api = new RampartApi(stack.rampart.url, stack.rampart.operatorToken);
});

afterAll(async () => {
  timings.suiteMs = Date.now() - suiteStart;
  const dir = join(REPO_ROOT, 'test-artifacts');
  try {
    await stopAll(stops);
  } finally {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'e2e-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    console.log(`e2e timings: ${JSON.stringify(timings, null, 2)}`);
    // The children's stderr (tails), to read after a failure; the stack's own temp dir is gone by now.
    if (stack) {
      const rampart = stack.rampart.process;
      writeFileSync(join(dir, 'e2e-rampart.log'), `${rampart.stderr()}\n${rampart.stdout()}`);
      writeFileSync(join(dir, 'e2e-demo.log'), stack.demo.process.stderr());
    }
  }
});

const rollbacksAfter = (entries: AuditEntry[], seq: number) =>
  entries.filter((e) => e.action === 'rolled_back' && e.seq > seq);

describe('full stack: Unleash, demo login service, Prometheus, Alertmanager, rampart run', () => {
  it('ramps the flag in Unleash through at least two steps on healthy traffic', async () => {
    const seen: { percentage: number; atMs: number }[] = [];
    // Why rampart held between steps (digits masked), to explain a slow ramp in the timings file.
    const holds: string[] = [];
    await pollUntil(
      'the flag at 25 % or more in Unleash',
      async () => {
        const flag = await readUnleashFlag(stack.unleash);
        const hold = (await api.rollout(ROLLOUT)).hold?.replace(/[\d.]+/g, 'N');
        if (hold && !holds.includes(hold)) holds.push(hold);
        if (!flag.enabled || flag.rollout === undefined) return undefined;
        if (seen.at(-1)?.percentage !== flag.rollout)
          seen.push({ percentage: flag.rollout, atMs: Date.now() - stackUpAt });
        return flag.rollout >= 25 ? flag.rollout : undefined;
      },
      150_000,
      100,
    );
    timings.rampSteps = seen;
    timings.rampHoldReasons = holds;
    expect(seen.map((s) => s.percentage).slice(0, 3)).toEqual([1, 5, 25]);
    const audit = await api.audit(ROLLOUT);
    expect(audit.filter((e) => e.action === 'advanced').length).toBeGreaterThanOrEqual(2);

    for (let i = 1; i <= 60 && treatmentUser === undefined; i++) {
      if ((await loginStatus(stack.demo.url, `user-${i}`)) === 'mfa_required') treatmentUser = `user-${i}`;
    }
    expect(treatmentUser, 'a user the SDK enforces MFA for at 25 %').toBeDefined();
  });

  it('rolls the flag back in Unleash within 60 s of enrollment-crossbind, and the SDK stops enforcing MFA', async () => {
    const user = treatmentUser;
    if (user === undefined) throw new Error('no treatment user from the ramp test');
    const faultAt = Date.now();
    await setFault('enrollment-crossbind', true);

    const disabledAt = await pollUntil(
      'the flag disabled in Unleash',
      async () => ((await readUnleashFlag(stack.unleash)).enabled ? undefined : Date.now()),
      60_000,
      100,
    );
    const sdkOffAt = await pollUntil(
      `the demo's SDK to stop enforcing MFA for ${user}`,
      async () => ((await loginStatus(stack.demo.url, user)) === 'ok' ? Date.now() : undefined),
      30_000,
      100,
    );
    const rollback = rollbacksAfter(await api.audit(ROLLOUT), 0);
    expect(rollback).toHaveLength(1);
    const entry = rollback[0] as AuditEntry;
    expect(entry.actor).toBe('rampart');
    expect(entry.reason).toContain('enrollment-integrity');
    firstRollbackSeq = entry.seq;
    const decidedAt = Date.parse(entry.at);
    // The rollback came from the real bug: the demo counted enrollments bound to another account.
    const mismatches = await prometheusValue(stack.prometheus.url, `sum(${MISMATCHES})`);
    expect(mismatches).toBeGreaterThan(0);
    timings.fault = {
      fault: 'enrollment-crossbind',
      atPercentage: entry.fromPercentage,
      faultToRollbackDecidedMs: decidedAt - faultAt,
      faultToDisabledInUnleashMs: disabledAt - faultAt,
      faultToSdkStopsEnforcingMs: sdkOffAt - faultAt,
      enrollmentMismatches: mismatches,
    };
    expect(disabledAt - faultAt).toBeLessThan(60_000);
    expect((await api.rollout(ROLLOUT)).phase).toBe('rolled_back');
  });

  it("fires the committed RampartRollback rule on rampart's metrics, routed to people, not back to rampart", async () => {
    const firing = await pollUntil(
      'RampartRollback firing in Prometheus',
      async () =>
        (await prometheusAlerts(stack.prometheus.url)).find(
          (a) =>
            a.labels.alertname === 'RampartRollback' &&
            a.labels.rampart_rollout === ROLLOUT &&
            a.state === 'firing',
        ),
      60_000,
      250,
    );
    expect(firing.labels.rollout).toBeUndefined();
    const received = await pollUntil(
      'RampartRollback in Alertmanager',
      async () =>
        (await alertmanagerAlerts(stack.alertmanager.url)).find(
          (a) => a.labels.alertname === 'RampartRollback',
        ),
      30_000,
      250,
    );
    expect(received.receivers.map((r) => r.name)).toEqual(['people']);
  });

  it('rolls a ramping rollout back when a rollout-labelled Prometheus alert fires through Alertmanager', async () => {
    await setFault('enrollment-crossbind', false);
    // Resume only once the mismatch counter is still, so the new first step starts on a quiet counter.
    await pollUntil(
      'the enrollment mismatch counter unchanged for 5 s',
      async () =>
        (await prometheusValue(stack.prometheus.url, `sum(changes(${MISMATCHES}[5s]))`)) === 0
          ? true
          : undefined,
      30_000,
      250,
    );
    expect((await api.command(ROLLOUT, 'resume', 'e2e: crossbind fixed, ramp again')).status).toBe('applied');
    const resumedAt = Date.now();
    // Ramping again, and past its first step: the guardrails pass on fresh counts.
    const rampedTo = await pollUntil(
      'the resumed rollout at 5 % or more in Unleash',
      async () => {
        const flag = await readUnleashFlag(stack.unleash);
        return flag.enabled && (flag.rollout ?? 0) >= 5 ? flag.rollout : undefined;
      },
      120_000,
      100,
    );
    expect((await api.rollout(ROLLOUT)).phase).toBe('ramping');

    const drillAt = Date.now();
    stack.drill.set(true);
    const firing = await pollUntil(
      `${DRILL_ALERT} firing in Prometheus`,
      async () =>
        (await prometheusAlerts(stack.prometheus.url)).find(
          (a) => a.labels.alertname === DRILL_ALERT && a.state === 'firing',
        ),
      60_000,
      100,
    );
    const disabledAt = await pollUntil(
      'the flag disabled in Unleash after the alert',
      async () => ((await readUnleashFlag(stack.unleash)).enabled ? undefined : Date.now()),
      60_000,
      100,
    );
    const rollback = rollbacksAfter(await api.audit(ROLLOUT), firstRollbackSeq);
    expect(rollback).toHaveLength(1);
    const entry = rollback[0] as AuditEntry;
    expect(entry.actor).toBe('alertmanager:alertmanager');
    expect(entry.reason).toContain(DRILL_ALERT);
    const routed = (await alertmanagerAlerts(stack.alertmanager.url)).find(
      (a) => a.labels.alertname === DRILL_ALERT,
    );
    expect(routed?.receivers.map((r) => r.name)).toContain('rampart');

    const firingAt = Date.parse(firing.activeAt);
    timings.alert = {
      alert: DRILL_ALERT,
      resumeToRampedMs: drillAt - resumedAt,
      atPercentage: entry.fromPercentage ?? rampedTo,
      conditionToRuleFiringMs: firingAt - drillAt,
      ruleFiringToRollbackAuditMs: Date.parse(entry.at) - firingAt,
      ruleFiringToDisabledInUnleashMs: disabledAt - firingAt,
      conditionToDisabledInUnleashMs: disabledAt - drillAt,
    };
    expect(disabledAt - drillAt).toBeLessThan(60_000);
    stack.drill.set(false);
  });
});

function setFault(name: string, on: boolean): Promise<void> {
  return setDemoFault(stack.demo.url, stack.demo.adminToken, name, on);
}
