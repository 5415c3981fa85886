import type { Verdict } from '../analysis/verdict.js';
import type { RolloutState } from '../rollout/rollout-state.js';

/**
 * The state with the memory the verdicts of this tick carry (`users` e-processes), by guardrail
 * name; guardrails not judged this tick (e.g. at 100 %) keep theirs, and names no longer in the spec
 * are dropped. The state itself is returned when nothing changed, so an idle tick saves nothing.
 */
export function withGuardrailMemory(state: RolloutState, verdicts: readonly Verdict[]): RolloutState {
  const fresh = verdicts.filter((v) => v.memory !== undefined);
  if (fresh.length === 0) return state;
  const names = new Set(state.spec.guardrails.map((g) => g.name));
  const memory = Object.fromEntries(
    Object.entries(state.guardrailMemory ?? {}).filter(([name]) => names.has(name)),
  );
  for (const v of fresh) if (v.memory) memory[v.guardrail] = v.memory;
  return { ...state, guardrailMemory: memory };
}
