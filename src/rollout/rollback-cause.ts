import type { GuardrailKind } from '../rollout-spec/rollout-spec-schema.js';

/**
 * Why a rollout was rolled back, as data: metrics and notifications read it instead of parsing the
 * reason text (which stays what people read).
 */
export type RollbackCause =
  | { kind: 'guardrail'; guardrail: string; guardrailKind: GuardrailKind }
  | { kind: 'alert'; alertname: string | null }
  | { kind: 'person'; actor: string }
  | { kind: 'no_data' };
