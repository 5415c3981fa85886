import { comparativeSteps, splitTestAlpha, type TestAlphas } from '../../src/analysis/alpha.js';
import { lrCompareCrosses, STEP_TEST_PLANNED_SAMPLES } from '../../src/analysis/compare-lr.js';
import { srmStatistic } from '../../src/analysis/evaluate-srm.js';
import type { GuardrailInput } from '../../src/analysis/guardrail-input.js';
import { plannedRunSamples, plannedSamples } from '../../src/analysis/planned-sample.js';
import { stratifiedRateLower } from '../../src/analysis/rate-log-ratio.js';
import type { Verdict } from '../../src/analysis/verdict.js';
import { evaluateGuardrails } from '../../src/guardrails/evaluate-guardrails.js';
import { guardrailAlpha } from '../../src/guardrails/registry.js';
import type { Guardrail, RolloutSpec } from '../../src/rollout-spec/rollout-spec-schema.js';
import { binomial, poisson } from '../support/seeded-random.js';

/** Traffic and health of one simulated rollout (pure, driven by a seeded PRNG). */
export interface Traffic {
  loginsPerMinute: number;
  controlSuccess: number;
  treatmentSuccess: number;
  /** Logouts per login in each arm (Bernoulli per login). */
  controlLogoutRate: number;
  treatmentLogoutRate: number;
}

/** 300 logins a minute with the given success shares and 0.2 logouts per login in both arms. */
export function traffic(controlSuccess: number, treatmentSuccess: number): Traffic {
  return {
    loginsPerMinute: 300,
    controlSuccess,
    treatmentSuccess,
    controlLogoutRate: 0.2,
    treatmentLogoutRate: 0.2,
  };
}

export interface StepOutcome {
  /** First failing verdict whose onFail is rollback, if any. */
  rollback?: { verdict: Verdict; seconds: number; treatmentEvents: number };
  /** Whether any srm verdict failed (a pause) during the step. */
  paused: boolean;
  /** The step's counts at its end: an earlier stratum for the next step of the run. */
  counts: Counts;
}

/** Counts of one step (one stratum): logins, successes and logouts per arm. */
export interface Counts {
  nT: number;
  nC: number;
  gT: number;
  gC: number;
  lT: number;
  lC: number;
}

/** Every this many ticks the full evaluator runs too and must agree with the numeric fast path. */
const CROSS_CHECK_EVERY = 37;

/**
 * Simulates one step tick by tick: Poisson logins, split by the step's percentage, successes and
 * logouts drawn per arm; the guardrails (compare, rate, srm) are judged at every tick on the counts
 * since step start, compare and rate together with the `earlier` steps of the run as strata. The per-tick decision uses the same exported bound functions the evaluators
 * use (string formatting of millions of verdicts would dominate the run time); the full
 * evaluateGuardrails runs at every failure and every 37th tick and must agree, or the run throws.
 */
export function simulateStep(
  spec: RolloutSpec,
  stepIndex: number,
  traffic: Traffic,
  rand: () => number,
  maxSeconds: number,
  stopWhen: (seconds: number, treatmentEvents: number) => boolean = () => false,
  earlier: readonly Counts[] = [],
): StepOutcome {
  const percentage = spec.steps[stepIndex] ?? 100;
  const share = percentage / 100;
  const tickSeconds = spec.tick / 1000;
  const perTick = (traffic.loginsPerMinute * tickSeconds) / 60;
  const decide = fastDecider(spec, share, earlier);
  const c: Counts = { nT: 0, nC: 0, gT: 0, gC: 0, lT: 0, lC: 0 };
  let paused = false;
  let tick = 0;
  for (let s = tickSeconds; s <= maxSeconds; s += tickSeconds) {
    tick++;
    const n = poisson(rand, perTick);
    const t = binomial(rand, n, share);
    c.nT += t;
    c.nC += n - t;
    c.gT += binomial(rand, t, traffic.treatmentSuccess);
    c.gC += binomial(rand, n - t, traffic.controlSuccess);
    c.lT += binomial(rand, t, traffic.treatmentLogoutRate);
    c.lC += binomial(rand, n - t, traffic.controlLogoutRate);
    const fails = decide(c);
    if (fails.some((f) => f) || tick % CROSS_CHECK_EVERY === 0) {
      const verdicts = evaluateGuardrails(spec, inputsOf(spec, c, earlier), { stepIndex, percentage });
      verdicts.forEach((v, i) => {
        if ((v.status === 'fail') !== fails[i])
          throw new Error(`fast path disagrees with evaluator: ${v.reason}`);
      });
      for (const v of verdicts) {
        if (v.status !== 'fail') continue;
        if (v.onFail === 'pause') paused = true;
        else return { rollback: { verdict: v, seconds: s, treatmentEvents: c.nT }, paused, counts: c };
      }
    }
    if (stopWhen(s, c.nT)) break;
  }
  return { paused, counts: c };
}

/** How one simulated ramp ended: the first rollback (with its step), and whether srm paused. */
export interface RampOutcome {
  rollback?: NonNullable<StepOutcome['rollback']> & { step: number };
  paused: boolean;
}

/**
 * Simulates steps 0..lastStep of a run, each a stratum of the next, until a rollback. A step ends when
 * `stepEnds` says so (default: as the controller advances, bake passed and minSamples treatment
 * logins seen), or after six hours.
 */
export function simulateRamp(
  spec: RolloutSpec,
  lastStep: number,
  trafficAt: (step: number) => Traffic,
  rand: () => number,
  stepEnds: (seconds: number, treatmentEvents: number) => boolean = (s, nT) =>
    s >= spec.bake / 1000 && nT >= spec.minSamples,
): RampOutcome {
  const strata: Counts[] = [];
  let paused = false;
  for (let step = 0; step <= lastStep; step++) {
    const out = simulateStep(spec, step, trafficAt(step), rand, 6 * 3600, stepEnds, strata);
    paused ||= out.paused;
    if (out.rollback) return { rollback: { ...out.rollback, step }, paused };
    strata.push(out.counts);
  }
  return { paused };
}

function fastDecider(spec: RolloutSpec, share: number, earlier: readonly Counts[]): (c: Counts) => boolean[] {
  const split = splitTestAlpha(guardrailAlpha(spec), comparativeSteps(spec));
  const plannedN = plannedSamples(spec);
  const plannedRunN = plannedRunSamples(spec);
  const rules = spec.guardrails.map((g): ((c: Counts) => boolean) =>
    fastRule(g, share, split, plannedN, plannedRunN, earlier),
  );
  return (c) => rules.map((r) => r(c));
}

function fastRule(
  g: Guardrail,
  share: number,
  split: TestAlphas,
  plannedN: number,
  plannedRunN: number,
  earlier: readonly Counts[],
): (c: Counts) => boolean {
  const compare = (c: Counts) => ({
    goodTreatment: c.gT,
    totalTreatment: c.nT,
    goodControl: c.gC,
    totalControl: c.nC,
  });
  const rate = (c: Counts) => ({ eventsT: c.lT, perT: c.nT, eventsC: c.lC, perC: c.nC });
  const pastCompare = earlier.map(compare);
  const pastRate = earlier.map(rate);
  switch (g.kind) {
    case 'compare':
      return (c) => {
        if (share >= 1 && c.nC === 0) return false;
        const limit = -g.compare.maxDrop;
        if (lrCompareCrosses([...pastCompare, compare(c)], plannedRunN, split.wholeRun, limit)) return true;
        return lrCompareCrosses([compare(c)], STEP_TEST_PLANNED_SAMPLES, split.currentStep, limit) === true;
      };
    case 'rate':
      return (c) => {
        if (share >= 1 && c.nC === 0) return false;
        const b = stratifiedRateLower([...pastRate, rate(c)], plannedRunN, split.wholeRun);
        if (b !== undefined && Math.exp(b.lower) > g.rate.maxRatio) return true;
        const latest = stratifiedRateLower([rate(c)], plannedN, split.currentStep);
        return latest !== undefined && Math.exp(latest.lower) > g.rate.maxRatio;
      };
    case 'srm':
      return (c) =>
        share > 0 &&
        share < 1 &&
        Math.min((c.nT + c.nC) * share, (c.nT + c.nC) * (1 - share)) >= g.srm.minPerArm &&
        ((s) => s.chi2 > s.boundary)(srmStatistic(c.nT, c.nC, share, plannedN, g.srm.pValue));
    default:
      throw new Error(`simulation does not model ${g.kind}`);
  }
}

function ok<T>(value: T) {
  return { status: 'ok' as const, value };
}

function inputsOf(spec: RolloutSpec, c: Counts, earlier: readonly Counts[]): GuardrailInput[] {
  const total = ok({ treatment: c.nT, control: c.nC });
  const arms = (t: number, k: number) => ok({ treatment: t, control: k });
  return spec.guardrails.map((g): GuardrailInput => {
    switch (g.kind) {
      case 'compare':
        return {
          kind: 'compare',
          good: ok({ treatment: c.gT, control: c.gC }),
          total,
          earlier: earlier.map((e) => ({ good: arms(e.gT, e.gC), total: arms(e.nT, e.nC) })),
        };
      case 'rate':
        return {
          kind: 'rate',
          events: ok({ treatment: c.lT, control: c.lC }),
          per: total,
          earlier: earlier.map((e) => ({ events: arms(e.lT, e.lC), per: arms(e.nT, e.nC) })),
        };
      case 'srm':
        return { kind: 'srm', exposures: total };
      default:
        throw new Error(`simulation does not model ${g.kind}`);
    }
  });
}
