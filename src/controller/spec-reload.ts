import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { AuditDraft, AuditEntry } from '../rollout/audit.js';
import { auditEntry } from '../rollout/audit.js';
import { isRunning } from '../rollout/phase.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import { describeScope } from '../rollout-spec/flag-scope.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';

/** What a new spec file would do to a running rollout. */
export type SpecReloadPlan =
  | { kind: 'unchanged' }
  | { kind: 'safe'; changes: string[]; stepIndex: number }
  | { kind: 'unsafe'; problems: string[] };

/** What reloading a running rollout's spec did (the controller's answer). */
export type SpecReloadResult =
  | { status: 'unchanged' }
  | { status: 'applied'; changes: string[]; audit: AuditEntry[] }
  | { status: 'refused'; problems: string[] };

/**
 * Decides whether `next` may replace the running spec. Thresholds, bake, windows, approvals,
 * notify and the like are safe; another rollout name or flag, or steps that no longer contain the
 * live percentage (they would drop below it or jump over it), are not.
 */
export function planSpecReload(state: RolloutState, next: RolloutSpec): SpecReloadPlan {
  const current = state.spec;
  const keys = [...new Set([...Object.keys(current), ...Object.keys(next)])] as (keyof RolloutSpec)[];
  const changes = keys.filter((k) => !isDeepStrictEqual(current[k], next[k])).sort();
  if (changes.length === 0) return { kind: 'unchanged' };

  const problems: string[] = [];
  if (next.name !== current.name) problems.push(`name changed from ${current.name} to ${next.name}`);
  if (state.phase !== 'pending' && !isDeepStrictEqual(next.flag, current.flag)) {
    problems.push(
      `flag changed from ${flagText(current)} to ${flagText(next)} while the rollout is ${state.phase}`,
    );
  }
  let stepIndex = state.stepIndex;
  if (isRunning(state.phase) && state.stepIndex >= 0) {
    stepIndex = next.steps.indexOf(state.percentage);
    if (stepIndex < 0) {
      problems.push(
        `steps [${next.steps.join(', ')}] do not contain the live ${state.percentage} %: the rollout would drop below it or jump over it`,
      );
    }
  } else if (state.phase === 'completed') {
    stepIndex = next.steps.length - 1;
  } else if (stepIndex >= next.steps.length) {
    stepIndex = next.steps.length - 1;
  }
  if (problems.length > 0) return { kind: 'unsafe', problems };
  return { kind: 'safe', changes, stepIndex };
}

function flagText(spec: RolloutSpec): string {
  const f = spec.flag;
  // The scope is part of the flag: a refused scope change must read as one.
  return `${f.backend}:${f.project}/${f.environment}/${f.name} (stickiness ${f.stickiness}, scope ${describeScope(f)})`;
}

/** What the controller saves for a reload: the next state and its audit entry (none when nothing to do). */
export interface SpecReloadStep {
  plan: SpecReloadPlan;
  save?: { state: RolloutState; audit: AuditDraft };
}

/**
 * The pure reload transition: a safe spec replaces the running one (audited with the changed keys);
 * an unsafe one is refused with an audited error, once per distinct file content.
 */
export function reloadStep(state: RolloutState, spec: RolloutSpec, actor: string, now: Date): SpecReloadStep {
  const plan = planSpecReload(state, spec);
  const draft = (action: AuditDraft['action'], reason: string, evidence: unknown): AuditDraft =>
    auditEntry(state, state, { at: now, actor, action, reason, evidence });
  if (plan.kind === 'unchanged') {
    // The file is back to the running spec: it no longer differs, so the refusal is no longer news.
    if (state.refusedSpecHash === null) return { plan };
    const cleared = { ...state, refusedSpecHash: null, refusedSpecProblems: null, updatedAt: now };
    const reason = 'spec file matches the running spec again; the refused reload is void';
    return { plan, save: { state: cleared, audit: draft('spec_reloaded', reason, { changes: [] }) } };
  }
  if (plan.kind === 'unsafe') {
    const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
    if (state.refusedSpecHash === hash) return { plan };
    const reason = `spec reload refused: ${plan.problems.join('; ')}`;
    return {
      plan,
      save: {
        state: { ...state, refusedSpecHash: hash, refusedSpecProblems: plan.problems, updatedAt: now },
        audit: draft('spec_reload_refused', reason, { problems: plan.problems }),
      },
    };
  }
  return {
    plan,
    save: {
      state: {
        ...state,
        spec,
        stepIndex: plan.stepIndex,
        refusedSpecHash: null,
        refusedSpecProblems: null,
        updatedAt: now,
      },
      audit: draft('spec_reloaded', `spec changed: ${plan.changes.join(', ')}`, { changes: plan.changes }),
    },
  };
}
