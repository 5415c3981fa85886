import type { Phase } from '../rollout/phase.js';
import type { DemoStack } from './demo-stack.js';
import { checkExposure, type ExposureCheck } from './exposure-check.js';
import type { FaultAt } from './fault-at.js';
import type { Exposure } from './fault-exposure.js';
import { auditLine, stamp, VerdictChanges } from './live-view.js';
import type { FaultName } from './login-service/fault-switches.js';

export const RELEASE_MANAGER = 'release-manager (simulated by the demo)';

export interface IncidentOptions {
  fault: FaultName | 'none';
  faultAt: FaultAt;
  /** Receives each line of the live view. */
  out: (line: string) => void;
  /** Epoch ms the demo started; lines are stamped with the time since. */
  startedAt: number;
  /** Give up after this long (counted from `startedAt`). */
  timeoutMs: number;
  /** Ctrl-C. */
  signal?: AbortSignal;
  /** How often the live view looks at the controller; default 250 ms. */
  pollMs?: number;
}

export type IncidentOutcome = 'rolled_back' | 'completed' | 'paused' | 'interrupted' | 'timed_out';

export interface IncidentResult {
  outcome: IncidentOutcome;
  /** A fault was injected and rolled back, or no fault and the rollout completed. */
  expected: boolean;
  phase: Phase;
  percentage: number;
  /** Highest percentage the flag reached. */
  maxPercentage: number;
  /** Epoch ms the fault was switched on (just before the admin request). */
  faultOnAt?: number;
  faultOnPercentage?: number;
  rollback?: { at: number; fromPercentage: number; reason: string; actor: string };
  /** Epoch ms the login service's SDK first saw the flag off for every user. */
  effectiveAt?: number;
  exposure?: Exposure;
  /** `rampart exposure` for the fault window, checked against the login service's own SDK. */
  exposureCheck?: ExposureCheck;
  /** Percentages the simulated release manager approved. */
  approvals: number[];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal?.addEventListener('abort', wake, { once: true });
  });

async function switchFault(stack: DemoStack, fault: FaultName): Promise<void> {
  const res = await fetch(`${stack.login.url}/admin/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: fault, on: true }),
  });
  if (!res.ok) throw new Error(`POST /admin/faults answered ${res.status}: ${await res.text()}`);
}

/**
 * Watches one rollout of a running demo stack and plays the incident: prints each step, each
 * guardrail verdict change and each audit event; grants approvals as a simulated release manager;
 * switches the fault on through the login service's admin endpoint; after a rollback waits until
 * the login service's unleash-client sees the flag off and counts the users the fault hit.
 */
export async function playDemoIncident(stack: DemoStack, options: IncidentOptions): Promise<IncidentResult> {
  const { controller, scheduler, tickLog } = stack.rampart;
  const [state0] = await controller.list();
  if (!state0) throw new Error('the demo stack runs no rollout');
  const name = state0.name;
  const steps = state0.spec.steps;
  const print = (line: string) => options.out(`${stamp(Date.now() - options.startedAt)} ${line}`);
  const verdictChanges = new VerdictChanges();
  const result: IncidentResult = {
    outcome: 'timed_out',
    expected: false,
    phase: state0.phase,
    percentage: state0.percentage,
    maxPercentage: 0,
    approvals: [],
  };
  // A loaded spec writes nothing until started: the demo's release manager starts it (printed via its audit entry).
  if (state0.phase === 'pending' && !state0.started) {
    await scheduler.applyNow({
      rollout: name,
      kind: 'start',
      actor: RELEASE_MANAGER,
      reason: 'the demo starts its rollout itself',
    });
  }
  let cursor = 0;
  let lastTickAt = 0;
  let rolloutStartedAt: number | undefined;
  let completed = false;
  let pausedByRampart = false;

  for (;;) {
    if (options.signal?.aborted) {
      result.outcome = 'interrupted';
      break;
    }
    if (Date.now() - options.startedAt > options.timeoutMs) {
      print(`giving up: no outcome within ${options.timeoutMs / 1000} s`);
      result.outcome = 'timed_out';
      break;
    }

    const last = tickLog.get(name);
    if (last && last.at.getTime() > lastTickAt) {
      lastTickAt = last.at.getTime();
      const line = verdictChanges.update(last.verdicts);
      if (line) print(line);
    }

    for (const entry of await controller.audit({ rollout: name, afterSeq: cursor, limit: 100 })) {
      cursor = entry.seq;
      const line = auditLine(entry, steps);
      if (line) print(line);
      if (entry.action === 'started') rolloutStartedAt = entry.at.getTime();
      if (entry.action === 'completed') completed = true;
      if (entry.action === 'paused' && entry.actor === 'rampart') pausedByRampart = true;
      if (entry.action === 'rolled_back' && !result.rollback) {
        result.rollback = {
          at: entry.at.getTime(),
          fromPercentage: entry.fromPercentage ?? 0,
          reason: entry.reason,
          actor: entry.actor,
        };
      }
      if (entry.action === 'awaiting_approval') {
        const percentage = steps[steps.indexOf(entry.fromPercentage ?? -1) + 1];
        await scheduler.applyNow({
          rollout: name,
          kind: 'approve',
          actor: RELEASE_MANAGER,
          reason: 'the demo approves every step automatically',
        });
        if (percentage !== undefined) result.approvals.push(percentage);
      }
    }

    const state = await controller.status(name);
    result.phase = state.phase;
    result.percentage = state.percentage;
    result.maxPercentage = Math.max(result.maxPercentage, state.percentage);

    if (options.fault !== 'none' && result.faultOnAt === undefined && state.phase === 'ramping') {
      const at = options.faultAt;
      const due =
        at.kind === 'step'
          ? state.percentage === at.percentage
          : rolloutStartedAt !== undefined && Date.now() - rolloutStartedAt >= at.ms;
      if (due) {
        result.faultOnAt = Date.now();
        result.faultOnPercentage = state.percentage;
        await switchFault(stack, options.fault);
        print(`FAULT ${options.fault} switched on in the login service at ${state.percentage} %`);
      }
    }

    if (result.rollback) {
      if (!stack.userIds.some((u) => stack.sdk.isEnforced(u))) {
        result.effectiveAt = Date.now();
        print("rollback effective: the login service's unleash-client sees the flag off for every user");
        result.outcome = 'rolled_back';
        break;
      }
    } else if (completed) {
      result.outcome = 'completed';
      break;
    } else if (options.fault === 'none' && pausedByRampart && state.phase === 'paused') {
      // Without a fault nobody will roll back or resume: a pause ends the demo. With a fault a
      // paused rollout keeps being judged, and a failing guardrail still rolls it back.
      result.outcome = 'paused';
      break;
    }
    await sleep(options.pollMs ?? 250, options.signal);
  }

  if (result.faultOnAt !== undefined && options.fault !== 'none') {
    result.exposure = stack.exposure.exposed(
      options.fault,
      { from: result.faultOnAt, until: result.effectiveAt ?? Date.now() },
      { enrollments: stack.login.service.enrollments, userIds: stack.userIds },
    );
  }
  if (result.outcome === 'rolled_back') {
    // The check is part of the summary, not of the incident: a failure is printed, not thrown.
    result.exposureCheck = await checkExposure(stack, name).catch((error: unknown) => {
      print(`exposure check failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
  }
  result.expected =
    options.fault === 'none'
      ? result.outcome === 'completed'
      : result.outcome === 'rolled_back' &&
        result.faultOnAt !== undefined &&
        (result.rollback?.at ?? 0) >= result.faultOnAt;
  return result;
}
