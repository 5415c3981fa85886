import { constraintsMatch } from '../flag-backends/evaluate-constraints.js';
import { EXPOSURE_LIMITS } from '../http/exposure-schema.js';
import type { AuditEntry } from '../rollout/audit.js';
import { exposureCommand } from '../rollout/fault-window.js';
import type { DemoStack } from './demo-stack.js';
import { DEMO_CONTEXT_FIELDS } from './login-service/unleash-mfa-policy.js';

/** `rampart exposure` for the demo's own fault window, checked against the login service's SDK. */
export interface ExposureCheck {
  /** The command the rollback's audit entry printed. */
  command: string;
  window: { from: string; to: string; percentage: number };
  /** Accounts the login service evaluated the flag for in the window. */
  accounts: number;
  /** Of those, the ones `rampart exposure` lists as exposed. */
  listed: number;
  /** Of those, the ones the login service's unleash-client evaluated on. */
  sdkOn: number;
  /** Accounts on which the two disagree beyond propagation (must be none). */
  differences: string[];
  /** Listed, evaluated off, and only ever evaluated before the SDK had fetched the window's step. */
  beforeFetch: number;
  /** Listed accounts outside the flag's scope (must be none). */
  outOfScope: number;
  undecided: number;
}

type Report = { users: { results: { userId: string; status: string }[] } };

/**
 * Runs the exposure query of the last confirmed rollback's fault window (the API route, as the
 * printed command does) for every account the login service evaluated in that window, and compares
 * it with what the service's own unleash-client answered for them. An account rampart lists but the
 * SDK evaluated off is a propagation effect, not a difference, when at every one of its evaluations
 * the SDK still served a lower percentage than the window's (it had not fetched the step yet).
 */
export async function checkExposure(stack: DemoStack, rollout: string): Promise<ExposureCheck | undefined> {
  const audit: AuditEntry[] = await stack.rampart.controller.audit({ rollout });
  const confirmed = audit.filter((e) => e.action === 'rollback_confirmed').at(-1);
  const window = (confirmed?.evidence as { faultWindow?: ExposureCheck['window'] } | null)?.faultWindow;
  if (!window?.to) return undefined;
  const evaluated = stack.evaluations.accountsIn(Date.parse(window.from), Date.parse(window.to));
  const results: Report['users']['results'] = [];
  for (let i = 0; i < evaluated.length || i === 0; i += EXPOSURE_LIMITS.users) {
    const users = evaluated
      .slice(i, i + EXPOSURE_LIMITS.users)
      .map((a) => ({ userId: a.userId, ...DEMO_CONTEXT_FIELDS }));
    const res = await fetch(`${stack.rampart.url}/api/rollouts/${encodeURIComponent(rollout)}/exposure`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: window.from, to: window.to, users }),
    });
    if (!res.ok)
      throw new Error(`POST /api/rollouts/${rollout}/exposure answered ${res.status}: ${await res.text()}`);
    results.push(...((await res.json()) as Report).users.results);
  }
  const listed = new Set(results.filter((r) => r.status === 'exposed').map((r) => r.userId));
  const differences: string[] = [];
  let beforeFetch = 0;
  for (const a of evaluated) {
    if (listed.has(a.userId) === a.on) continue;
    if (listed.has(a.userId) && a.maxServed !== undefined && a.maxServed < window.percentage) beforeFetch++;
    else differences.push(a.userId);
  }
  const state = await stack.rampart.controller.status(rollout);
  const inScope = constraintsMatch(state.spec.flag.constraints ?? [], { ...DEMO_CONTEXT_FIELDS }, new Date());
  return {
    command: exposureCommand(rollout, { from: new Date(window.from), to: new Date(window.to) }),
    window,
    accounts: evaluated.length,
    listed: listed.size,
    sdkOn: evaluated.filter((a) => a.on).length,
    differences,
    beforeFetch,
    outOfScope: inScope ? 0 : listed.size,
    undecided: results.filter((r) => r.status === 'undecided').length,
  };
}

/** The demo summary's rows for the check. */
export function exposureRows(c: ExposureCheck): [string, string][] {
  const lag =
    c.beforeFetch === 0
      ? ''
      : `; ${c.beforeFetch} more listed ${c.beforeFetch === 1 ? 'was' : 'were'} seen only before the SDK ` +
        `fetched the ${c.window.percentage} % step (the flag was on for them, the SDK had not polled yet)`;
  return [
    ['exposure', c.command],
    [
      'exposure check',
      `rampart lists ${c.listed} of the ${c.accounts} accounts the login service evaluated in the fault window; ` +
        `its unleash-client evaluated the flag on for ${c.sdkOn}: ${c.differences.length} differences, ` +
        `${c.outOfScope} out of scope, ${c.undecided} undecided${lag}`,
    ],
  ];
}
