import type { GuardrailOf, LabelMatchers, RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { type ArmExposures, compareGateMinutes, rateGateMinutes } from './gate-time.js';
import { plannedRunSamples } from './planned-sample.js';
import { nextStepRemovesControl } from './step-context.js';

/** What `rampart plan --traffic` assumes for every guardrail's estimate. */
export interface PlanContext {
  spec: RolloutSpec;
  /** Events per minute of each guardrail's metric as its matchers select it, both arms together. */
  perMinute: number;
  /** The alpha share of one alpha-spending guardrail (ALPHA_RULE; the registry knows which spend). */
  alpha: number;
  /** Success share of control for `compare` (default 0.985). */
  baseline?: number;
  /** True drop of treatment for `compare`'s gate (default 0). */
  expectedDrop?: number;
  /** Events per exposure, equal in both arms, for `rate`'s gate (default 0.1). */
  rateEventsPer?: number;
}

/** One metric selection a guardrail counts: the traffic figure is taken to be its rate. */
interface Selection {
  metric: string;
  matchers: LabelMatchers;
}

/** How long one guardrail is expected to hold a step at the planned traffic. */
export interface HoldEstimate {
  selects: Selection[];
  /** Expected seconds of hold where it holds longest; null: no hold, or none expected within a week (see text). */
  seconds: number | null;
  /** One line for people. */
  text: string;
}

const minutes = (m: number) => `${Math.max(1, Math.ceil(m))} min`;

/** The step before 100 % and the expected exposures of the steps before it (full bakes). */
function gatedStep(ctx: PlanContext): { index: number; share: number; earlier: ArmExposures[] } | undefined {
  const { steps, bake } = ctx.spec;
  const index = steps.findIndex((_, i) => nextStepRemovesControl(steps, i));
  const percentage = steps[index];
  if (index < 0 || percentage === undefined || percentage <= 0 || percentage >= 100) return undefined;
  const earlier = steps.slice(0, index).flatMap((p) => {
    const nT = ctx.perMinute * (p / 100) * (bake / 60_000);
    return p > 0 && p < 100 ? [{ nT, nC: (nT * (100 - p)) / p }] : [];
  });
  return { index, share: percentage / 100, earlier };
}

function gateText(ctx: PlanContext, m: number | undefined, what: string): HoldEstimate['text'] {
  const gate = gatedStep(ctx);
  const at = gate ? `${ctx.spec.steps[gate.index]} %` : '';
  if (m === undefined)
    return `holds at ${at} until it shows ${what}: not expected within a week at this traffic`;
  if (m === 0) return `no hold at ${at}: the earlier steps already show ${what}`;
  const bake = ctx.spec.bake / 60_000;
  const over = m > bake ? `, ${minutes(m - bake)} past the bake` : ', within the bake';
  return `holds at ${at} until it shows ${what}: expected after ~${minutes(m)}${over}`;
}

/** `compare`: the non-inferiority gate before 100 % (the treatment - control lower bound above -maxDrop). */
export function compareHold(g: GuardrailOf<'compare'>, ctx: PlanContext): HoldEstimate {
  const selects = [{ metric: g.compare.metric, matchers: { ...ctx.spec.matchers, ...g.compare.matchers } }];
  const gate = gatedStep(ctx);
  if (!gate) return { selects, seconds: null, text: 'no step before 100 % to gate' };
  const m = compareGateMinutes(gate.earlier, ctx.perMinute * gate.share, gate.share, {
    baseline: ctx.baseline ?? 0.985,
    drop: ctx.expectedDrop ?? 0,
    maxDrop: g.compare.maxDrop,
    plannedN: plannedRunSamples(ctx.spec),
    alpha: ctx.alpha,
  });
  const text = gateText(ctx, m, `non-inferiority (a drop below ${g.compare.maxDrop})`);
  return { selects, seconds: m === undefined ? null : m * 60, text };
}

/** `rate`: the non-inferiority gate before 100 % (the ratio's upper bound below maxRatio). */
export function rateHold(g: GuardrailOf<'rate'>, ctx: PlanContext): HoldEstimate {
  const matchers = { ...ctx.spec.matchers, ...g.rate.matchers };
  // The traffic figure is the exposures (`per`); `events` are counted per exposure.
  const selects = [
    { metric: g.rate.events, matchers },
    { metric: g.rate.per, matchers },
  ];
  const gate = gatedStep(ctx);
  if (!gate) return { selects, seconds: null, text: 'no step before 100 % to gate' };
  const eventsPer = ctx.rateEventsPer ?? 0.1;
  const m = rateGateMinutes(gate.earlier, ctx.perMinute * gate.share, gate.share, {
    eventsPer,
    maxRatio: g.rate.maxRatio,
    plannedN: plannedRunSamples(ctx.spec),
    alpha: ctx.alpha,
  });
  const what = `the ratio below ${g.rate.maxRatio} (assuming ${eventsPer} ${g.rate.events} per ${g.rate.per} in both arms)`;
  return { selects, seconds: m === undefined ? null : m * 60, text: gateText(ctx, m, what) };
}

/**
 * `srm`: each step waits `settle`, then (chi-square) for `minPerArm` exposures in the smaller arm;
 * the e-value method judges from the first user.
 */
export function srmHold(g: GuardrailOf<'srm'>, ctx: PlanContext): HoldEstimate {
  const selects = [{ metric: g.srm.metric, matchers: { ...ctx.spec.matchers, ...g.srm.matchers } }];
  let worst: { percentage: number; m: number } | undefined;
  for (const p of ctx.spec.steps) {
    if (p <= 0 || p >= 100) continue;
    const m = g.srm.settle / 60_000 + g.srm.minPerArm / (ctx.perMinute * Math.min(p, 100 - p) * 0.01);
    if (!worst || m > worst.m) worst = { percentage: p, m };
  }
  if (!worst) return { selects, seconds: null, text: 'no step with two arms: nothing to check' };
  if (g.srm.method === 'e-value') {
    return {
      selects,
      seconds: g.srm.settle / 1000,
      text: `inconclusive for settle (${g.srm.settle / 1000}s) at every step; the exact e-value needs no minimum count`,
    };
  }
  const text =
    `inconclusive for settle (${g.srm.settle / 1000}s) plus ${g.srm.minPerArm} exposures in the smaller arm ` +
    `at every step; longest at ${worst.percentage} %: ~${minutes(worst.m)}`;
  return { selects, seconds: worst.m * 60, text };
}

/** `threshold`: a ratio needs `minEvents` events in its window (all traffic, both arms). */
export function thresholdHold(g: GuardrailOf<'threshold'>, ctx: PlanContext): HoldEstimate {
  const { ratio, scalar, window, minEvents } = g.threshold;
  const source = ratio ?? scalar;
  const selects = source
    ? [{ metric: source.metric, matchers: { ...ctx.spec.matchers, ...source.matchers } }]
    : [];
  if (!ratio) return { selects, seconds: null, text: 'a scalar has no event count: no minEvents hold' };
  const inWindow = ctx.perMinute * (window / 60_000);
  if (inWindow < minEvents) {
    return {
      selects,
      seconds: null,
      text: `inconclusive at every step: ~${Math.floor(inWindow)} events in its ${window / 60_000} min window, needs ${minEvents}`,
    };
  }
  const m = minEvents / ctx.perMinute;
  return {
    selects,
    seconds: m * 60,
    text: `needs ${minEvents} events in its window: ~${minutes(m)} of traffic (both arms, already flowing before the rollout)`,
  };
}

/** `zero`: no hold, the first increase fails. */
export function zeroHold(g: GuardrailOf<'zero'>, ctx: PlanContext): HoldEstimate {
  const selects = [{ metric: g.zero.metric, matchers: { ...ctx.spec.matchers, ...g.zero.matchers } }];
  return { selects, seconds: 0, text: 'never holds: any increase fails at once' };
}
