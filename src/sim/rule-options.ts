import type { PeerCheckSet } from '../guardrails/peer-check.js';
import type { Scenario } from './parse-scenario.js';
import { ArgoRule } from './peer-rules/argo-rule.js';
import { FlaggerRule } from './peer-rules/flagger-rule.js';
import type { PeerRule } from './peer-rules/peer-rule.js';
import type { RuleName } from './sim-result.js';

/** Which decision rule a simulated run uses: rampart's own analysis, or a peer's published rule. */
export interface RuleOptions {
  rule: RuleName;
  /** Analysis interval of the peers (default 1m, their documented example). */
  intervalMs?: number;
  /** Flagger's threshold (default 5). */
  threshold?: number;
  /** Argo's failureLimit (default 3, the docs' example) and consecutiveErrorLimit (default 4). */
  failureLimit?: number;
  consecutiveErrorLimit?: number;
  /**
   * Peers only: run no checks before the scenario's first fault, so the rule starts from a clean
   * slate there. Measures detection alone for a rule whose false rollbacks would otherwise end the
   * run before the fault (generous to the peer).
   */
  fromFault?: boolean;
  /** Peers only: which guardrails they check (default `limits`, as docs/scenarios.md says). */
  peerChecks?: PeerCheckSet;
}

const SECOND = 1000;

/** The rule's name in results and tables, e.g. `flagger-t5+cmp@fault`. */
export function ruleLabel(o: RuleOptions): string {
  if (o.rule === 'rampart') return 'rampart';
  const base = o.rule === 'flagger' ? `flagger-t${o.threshold ?? 5}` : o.rule;
  const checks = o.peerChecks === 'all' ? `${base}+cmp` : base;
  return o.fromFault ? `${checks}@fault` : checks;
}

/** The peer's decision rule, or undefined for rampart (which uses its own analysis unchanged). */
export function peerRuleFor(o: RuleOptions, scenario: Scenario): PeerRule | undefined {
  const interval = o.intervalMs ?? 60 * SECOND;
  switch (o.rule) {
    case 'rampart':
      return undefined;
    case 'flagger':
      return new FlaggerRule(interval, o.threshold ?? 5);
    case 'argo':
      return new ArgoRule(
        interval,
        o.failureLimit ?? 3,
        o.consecutiveErrorLimit ?? 4,
        scenario.operator?.approveAfter,
      );
    default:
      return o.rule satisfies never;
  }
}
