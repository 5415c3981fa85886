import type { ArmCounts, Measured } from '../../../src/analysis/guardrail-input.js';
import type { StepContext } from '../../../src/analysis/step-context.js';
import { type GuardrailOf, guardrailSchema } from '../../../src/rollout-spec/rollout-spec-schema.js';

export const compareG = guardrailSchema.parse({
  name: 'login-success',
  compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
}) as GuardrailOf<'compare'>;

export const rateG = guardrailSchema.parse({
  name: 'logout-loop',
  rate: { events: 'logouts_total', per: 'login_attempts_total', maxRatio: 1.5 },
}) as GuardrailOf<'rate'>;

export const thresholdG = guardrailSchema.parse({
  name: 'global-login-success',
  threshold: {
    ratio: { metric: 'login_attempts_total', good: { result: 'success' } },
    min: 0.9,
    window: '5m',
  },
}) as GuardrailOf<'threshold'>;

export const zeroG = guardrailSchema.parse({
  name: 'enrollment-integrity',
  zero: { metric: 'mfa_enrollment_owner_mismatch_total' },
}) as GuardrailOf<'zero'>;

export const srmG = guardrailSchema.parse({
  name: 'exposure-balance',
  srm: { metric: 'flag_exposures_total' },
}) as GuardrailOf<'srm'>;

export const promqlG = guardrailSchema.parse({
  name: 'p99-latency',
  promql: { query: 'histogram_quantile(0.99, rate(x[$window]))', max: 0.5 },
}) as GuardrailOf<'promql'>;

export function step(percentage: number, nextStepRemovesControl = false): StepContext {
  return {
    stepIndex: 0,
    percentage,
    plannedSamples: 200,
    plannedRunSamples: 800,
    comparativeSteps: 4,
    nextStepRemovesControl,
  };
}

/** A stringent alpha share (the flagship's former per-step share, 0.01 over 2 guardrails x 4 steps). */
export const ALPHA = 0.00125;

export function ok<T>(value: T): Measured<T> {
  return { status: 'ok', value };
}

export function arms(treatment: number, control: number): Measured<ArmCounts> {
  return ok({ treatment, control });
}
