import type { AuditDraft } from '../rollout/audit.js';
import { auditEntry } from '../rollout/audit.js';
import type { RolloutState } from '../rollout/rollout-state.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';

/** The state of a rollout seen for the first time, `pending`, and its `created` audit entry. */
export function newRollout(
  spec: RolloutSpec,
  actor: string,
  now: Date,
): { state: RolloutState; audit: AuditDraft } {
  const state: RolloutState = {
    name: spec.name,
    spec,
    phase: 'pending',
    stepIndex: -1,
    percentage: 0,
    stepStartedAt: now,
    stepStarts: [],
    lastDataAt: now,
    approvedStep: null,
    started: null,
    reason: null,
    pauseKind: null,
    pendingWrite: null,
    lastWritten: null,
    hold: null,
    refusedSpecHash: null,
    version: 1,
    epoch: 0,
    updatedAt: now,
  };
  const audit = auditEntry({ name: spec.name, phase: null, percentage: null }, state, {
    at: now,
    actor,
    action: 'created',
    reason: `rollout ${spec.name} registered for flag ${spec.flag.name}`,
    evidence: { steps: spec.steps },
  });
  return { state, audit };
}
