import { formatDuration } from '../rollout-spec/duration.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { RolloutState } from './rollout-state.js';

/** What the advance gate reads of one guardrail verdict. */
export interface GuardrailReading {
  guardrail: string;
  status: string;
  evidence: { treatment?: { n: number } };
}

/** One condition of the next advance and whether it holds now. */
export interface AdvanceCondition {
  name: 'bake' | 'samples' | 'guardrails' | 'window' | 'approval';
  met: boolean;
  /** For people: what the condition waits for, or that it is met. */
  detail: string;
  /**
   * Why the controller holds the step for it, or null when it does not. Missing verdicts are no
   * hold here (the samples condition and the no-data timeout cover them), and approval is asked
   * for rather than held.
   */
  hold: string | null;
  /** The exact figures behind `detail` where it rounds them for people (e.g. a fractional event count). */
  figures?: { value: number; required: number };
}

/**
 * An event count for people: whole events (Prometheus' increase() extrapolates fractions). An unmet
 * count is rounded down, so "20 of 20" never shows while the condition still waits.
 */
function wholeEvents(n: number, met: boolean): number {
  return met ? Math.round(n) : Math.floor(n);
}

/** Treatment events seen at this step: the largest treatment `n` any guardrail reports. */
export function treatmentSamples(readings: readonly GuardrailReading[]): number {
  let n = 0;
  for (const r of readings) n = Math.max(n, r.evidence.treatment?.n ?? 0);
  return n;
}

/** Whether entering a step at `percentage` needs a person's approval (above `approvals.above`). */
export function stepNeedsApproval(spec: RolloutSpec, percentage: number): boolean {
  const above = spec.approvals?.above;
  return above !== undefined && percentage > above;
}

/** Whether moving to step `index` needs a person's approval that has not been given. */
export function needsApproval(state: Pick<RolloutState, 'spec' | 'approvedStep'>, index: number): boolean {
  const percentage = state.spec.steps[index];
  return (
    percentage !== undefined && stepNeedsApproval(state.spec, percentage) && state.approvedStep !== index
  );
}

/**
 * The conditions of advancing from the current step to the next: bake, samples, guardrails,
 * window (`windowOpen`, checked by the caller) and approval. The controller holds for the first
 * unmet one in its own order; the status view shows them all.
 */
export function advanceConditions(
  state: Pick<RolloutState, 'spec' | 'stepIndex' | 'stepStartedAt' | 'approvedStep'>,
  readings: readonly GuardrailReading[],
  now: Date,
  windowOpen: boolean,
): AdvanceCondition[] {
  const spec = state.spec;
  const baked = now.getTime() - state.stepStartedAt.getTime();
  const samples = treatmentSamples(readings);
  const failing = readings.filter((r) => r.status !== 'pass').map((r) => `${r.guardrail} ${r.status}`);
  const approval = needsApproval(state, state.stepIndex + 1);
  const bakeMet = baked >= spec.bake;
  const samplesMet = samples >= spec.minSamples;
  return [
    {
      name: 'bake',
      met: bakeMet,
      detail: bakeMet ? 'bake time elapsed' : `${Math.ceil((spec.bake - baked) / 1000)} s of bake left`,
      hold: bakeMet
        ? null
        : `baking: ${formatDuration(baked - (baked % 1000))} of ${formatDuration(spec.bake)}`,
    },
    {
      name: 'samples',
      met: samplesMet,
      detail: `${wholeEvents(samples, samplesMet)} of ${spec.minSamples} treatment events`,
      hold: samplesMet ? null : `treatment samples ${wholeEvents(samples, false)} of ${spec.minSamples}`,
      figures: { value: samples, required: spec.minSamples },
    },
    {
      name: 'guardrails',
      met: readings.length > 0 && failing.length === 0,
      detail: readings.length === 0 ? 'no verdicts yet' : failing.join(', ') || 'all pass',
      hold: failing.length === 0 ? null : failing.join(', '),
    },
    {
      name: 'window',
      met: windowOpen,
      detail: windowOpen ? 'inside the allowed window' : 'outside the window',
      hold: windowOpen ? null : 'outside the allowed windows',
    },
    {
      name: 'approval',
      met: !approval,
      detail: approval
        ? `steps above ${spec.approvals?.above} % need a release manager's approval`
        : 'not needed',
      hold: null,
    },
  ];
}
