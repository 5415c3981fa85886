import { Controller } from '../controller/controller.js';
import { MetricVerdictSource } from '../controller/metric-verdict-source.js';
import type { VerdictSource } from '../controller/verdict-source.js';
import type { Notification, Notifier } from '../notify/notifier.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import type { Store } from '../store/store.js';
import { ManualClock } from '../time/manual-clock.js';
import type { Scenario } from './parse-scenario.js';
import { PeerVerdictSource } from './peer-rules/peer-verdict-source.js';
import { peerRuleFor, type RuleOptions, ruleLabel } from './rule-options.js';
import type { Fault } from './scenario-schema.js';
import { SimFlagBackend } from './sim-flag-backend.js';
import { SimMetricSource } from './sim-metric-source.js';
import type { SimResult, TimelinePoint } from './sim-result.js';
import { sprtBoundSamples } from './sprt-bound.js';
import { TimelineSampler } from './timeline-sampler.js';
import { TrafficModel } from './traffic-model.js';

export interface RunOptions extends RuleOptions {
  seed?: number;
  /** A fresh, empty store per run (the simulator never shares one between runs). */
  openStore: () => Promise<Store & { close?: () => Promise<void> | void }>;
  /** Also return the per-tick timeline (for --plot). */
  timeline?: boolean;
  /** Wall clock for `wallMs` only (never for simulated time). */
  wallNow?: () => number;
}

export interface RunOutput {
  result: SimResult;
  timeline: TimelinePoint[];
  notifications: Notification[];
}

const SECOND = 1000;
const OPERATOR = 'sim-release-manager';

function activeAt(faults: readonly Fault[], effect: Fault['effect'], t: number): boolean {
  return faults.some((f) => f.effect === effect && f.at <= t && (f.until === undefined || t < f.until));
}

/**
 * Runs one scenario on a virtual clock against the real controller, analysis and transitions:
 * traffic up to each tick, due commands (alerts, approvals) enqueued, one controller tick, until
 * the rollout completes, its rollback is effective in the SDKs, or the scenario's duration ends.
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunOutput> {
  const wallNow = options.wallNow ?? (() => performance.now());
  const wallStart = wallNow();
  const seed = options.seed ?? scenario.seed;
  const spec = scenario.spec;
  const startMs = Date.parse(scenario.startAt);
  const clock = new ManualClock(startMs);
  const faults = scenario.faults;
  const metrics = new SimMetricSource(startMs, scenario.scrapeInterval, clock, (at) =>
    activeAt(faults, 'metricsOutage', at),
  );
  const backend = new SimFlagBackend(startMs, scenario.flagPropagation, clock, (at) =>
    activeAt(faults, 'backendOutage', at),
  );
  const traffic = new TrafficModel(scenario, seed, metrics, (at) => backend.sdkPercentage(at));
  const real: VerdictSource = new MetricVerdictSource(metrics);
  const rule = peerRuleFor(options, scenario);
  const firstFault = faults.length === 0 ? undefined : Math.min(...faults.map((f) => f.at));
  const armedAt = options.fromFault && firstFault !== undefined ? startMs + firstFault : undefined;
  const verdictSource = rule
    ? new PeerVerdictSource(real, rule, metrics, options.peerChecks ?? 'limits', armedAt)
    : real;
  const notifications: Notification[] = [];
  const notifier: Notifier = { notify: async (n) => void notifications.push(n) };
  const store = await options.openStore();
  const controller = new Controller({ store, flagBackend: () => backend, verdictSource, clock, notifier });

  const tickMs = scenario.tick ?? spec.tick;
  const alerts = [...scenario.alerts].sort((a, b) => a.at - b.at);
  let nextAlert = 0;
  let approveAt: number | undefined;
  // A loaded spec waits for its start (unless it says `start: auto` or a time): the operator sends it.
  let startAt: number | undefined = scenario.operator?.startAfter ?? 0;
  let state: RolloutState = (await controller.register(spec, 'simulator')).state;
  let detectedAt: number | null = null;
  let samplesAtDetection: number | null = null;
  let endAt: number | undefined;
  let maxPercentage = 0;
  const steps: number[] = [];
  let advancedDuringFault = false;
  // The step the first fault met: where it started, or the first step after it if it came at 0 %.
  let faultStep: number | null = null;
  const timeline = new TimelineSampler(metrics, spec.variant);
  const faultAt = faults.length === 0 ? null : Math.min(...faults.map((f) => f.at));
  const userFaultActive = (at: number) =>
    faults.some(
      (f) =>
        !['metricsOutage', 'backendOutage'].includes(f.effect) &&
        f.at <= at &&
        (f.until === undefined || at < f.until),
    );

  for (let now = 0; now <= scenario.duration; now += tickMs) {
    clock.set(startMs + now);
    traffic.runUntil(now);
    for (
      ;
      nextAlert < alerts.length && (alerts[nextAlert]?.at ?? Number.POSITIVE_INFINITY) <= now;
      nextAlert++
    ) {
      const a = alerts[nextAlert];
      if (!a) continue;
      await enqueue(controller, {
        rollout: spec.name,
        kind: 'alert',
        actor: 'alertmanager',
        reason: `alert ${a.labels.alertname ?? ''} firing`,
        alert: { labels: a.labels, status: 'firing' },
      });
    }
    if (startAt !== undefined && startAt <= now) {
      startAt = undefined;
      if (state.phase === 'pending' && !state.started)
        await enqueue(controller, {
          rollout: spec.name,
          kind: 'start',
          actor: OPERATOR,
          reason: 'simulated start',
        });
    }
    if (approveAt !== undefined && approveAt <= now) {
      approveAt = undefined;
      await enqueue(controller, {
        rollout: spec.name,
        kind: 'approve',
        actor: OPERATOR,
        reason: 'simulated approval',
      });
    }
    const before = state;
    state = (await controller.tick(spec.name)).state;
    if (state.percentage > before.percentage && state.phase !== 'rolled_back') {
      if (userFaultActive(now) || activeAt(faults, 'metricsOutage', now)) advancedDuringFault = true;
    }
    if (state.percentage > 0 && steps[steps.length - 1] !== state.percentage) steps.push(state.percentage);
    maxPercentage = Math.max(maxPercentage, state.percentage);
    if (faultAt !== null && now >= faultAt && faultStep === null && state.percentage > 0)
      faultStep = state.percentage;
    if (state.phase === 'rolled_back' && before.phase !== 'rolled_back') {
      detectedAt = now;
      samplesAtDetection = traffic.harm.samples.size;
    }
    if (state.phase === 'awaiting_approval' && before.phase !== 'awaiting_approval') {
      const after = scenario.operator?.approveAfter;
      if (after !== undefined) approveAt = now + after;
    }
    if (options.timeline) timeline.sample(now, backend.sdkPercentage(now));
    // A completed rollout runs on until `duration`: harm done at 100 % after the soak still counts.
    if (state.phase === 'rolled_back' && !state.pendingWrite) {
      const write = backend.writes[backend.writes.length - 1];
      endAt = Math.min(scenario.duration, Math.max(now, write?.visibleAt ?? now));
      break;
    }
  }
  const end = endAt ?? scenario.duration;
  traffic.runUntil(end);
  if (options.timeline) timeline.sample(end, backend.sdkPercentage(end));
  await store.close?.();

  // Reaching 100 % with nothing rolling it back until `duration` is `completed`, soak over or not.
  const at100 = state.phase === 'completed' || state.phase === 'soaking';
  const outcome = at100 ? 'completed' : state.phase === 'rolled_back' ? 'rolled_back' : 'paused';
  const lastWrite = backend.writes[backend.writes.length - 1];
  const rollbackEffectiveAt =
    outcome === 'rolled_back' && lastWrite && !state.pendingWrite ? lastWrite.visibleAt / SECOND : null;
  const sec = (ms: number | null) => (ms === null ? null : ms / SECOND);
  const detected = faultAt === null ? null : detectedAt;
  const falseAlarm = detectedAt !== null && faultAt !== null && detectedAt < faultAt;
  const correct =
    outcome === scenario.expect && !falseAlarm && !(scenario.expect === 'paused' && advancedDuringFault);
  const result: SimResult = {
    scenario: scenario.name,
    seed,
    rule: ruleLabel(options),
    outcome,
    expected: scenario.expect,
    correct,
    faultAt: sec(faultAt),
    detectedAt: sec(detected),
    rollbackEffectiveAt,
    // A rollback before the fault is a false one, not a detection.
    detectionSeconds:
      detected === null || faultAt === null || falseAlarm ? null : (detected - faultAt) / SECOND,
    exposedUsers: traffic.harm.exposed.size,
    usersAtRisk: traffic.harm.atRisk.size,
    failedLoginsDuringFault: traffic.harm.failedByFault,
    treatmentSamplesAtDetection: detected === null || falseAlarm ? null : samplesAtDetection,
    sprtBoundSamples: sprtBoundSamples(scenario),
    scopeLeaks: traffic.scopeLeaks,
    maxPercentage,
    faultStep,
    finalPercentage: state.percentage,
    finalPhase: state.phase,
    stepsReached: steps,
    reason: state.reason ?? state.hold ?? null,
    simulatedSeconds: end / SECOND,
    wallMs: Math.round(wallNow() - wallStart),
  };
  return { result, timeline: timeline.points, notifications };
}

async function enqueue(controller: Controller, cmd: Parameters<Controller['enqueue']>[0]): Promise<void> {
  try {
    await controller.enqueue(cmd);
  } catch {
    // A command the rollout's phase refuses (e.g. approve after a rollback) is what a person would see too.
  }
}
