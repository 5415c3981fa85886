import type { CheckResult } from '../../guardrails/peer-check.js';

/** What a peer tool's decision rule says after its latest check. */
export interface PeerDecision {
  /** Set once the rule decided to roll back (latched). */
  rollback: string | null;
  /** Why the rule holds the rollout where it is (a failed or inconclusive check), if it does. */
  hold: string | null;
}

/** A published canary decision rule, fed one round of checks every `intervalMs`. */
export interface PeerRule {
  readonly name: string;
  readonly intervalMs: number;
  /** Called at each analysis interval; `run` performs the checks (a rule may decide without them). */
  onInterval(run: () => Promise<CheckResult[]>, nowMs: number): Promise<void>;
  decision(nowMs: number): PeerDecision;
}
