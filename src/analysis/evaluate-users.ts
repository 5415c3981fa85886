import type { GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import { splitTestAlpha } from './alpha.js';
import { canaryWaiting } from './canary-wait.js';
import { checkArmCounts } from './checked-input.js';
import { fmtCount, fmtNumber } from './format.js';
import type { GuardrailInput } from './guardrail-input.js';
import { makeJudgement, notJudged } from './make-judgement.js';
import type { StepContext } from './step-context.js';
import { SUSPECTED_HARM, seenByHalfAge, updateUserEvidence, userEValues } from './user-eprocess.js';
import { canarySteps, DEFAULT_BASELINE, safeOutOfReach } from './users-plan.js';
import { treatmentUsersToDetect } from './users-power.js';
import type { Judgement } from './verdict.js';

/**
 * `users`: new users with a bad outcome per exposed user, treatment against control, judged by the
 * e-processes of user-eprocess.ts. The guardrail's share `alpha` is split as ALPHA_RULE splits it:
 * 3/4 for the harm e-process over the whole run, 1/4 over the steps below 100 % for each step's own
 * (a fault that starts at a later step is not diluted by healthy earlier ones). The non-inferiority
 * gate holds (never rolls back) until the run's safe e-process reaches 1/alpha; where it applies is
 * the guardrail's `proveSafe`.
 */
export function evaluateUsers(
  g: GuardrailOf<'users'>,
  input: Extract<GuardrailInput, { kind: 'users' }>,
  step: StepContext,
  alpha: number,
): Judgement {
  const bad = checkArmCounts(input.bad, g.users.bad);
  if (!bad.ok) return notJudged(g, bad);
  const exposed = checkArmCounts(input.exposed, g.users.exposed);
  if (!exposed.ok) return notJudged(g, exposed);
  const rho = g.users.maxRatio;
  const ctx = input.memory ?? { prev: undefined, run: '', step: '' };
  const memory = updateUserEvidence(ctx.prev, {
    run: ctx.run,
    step: ctx.step,
    badT: bad.value.treatment,
    badC: bad.value.control,
    exposedT: exposed.value.treatment,
    exposedC: exposed.value.control,
    rho,
    elapsedMs: step.sinceStepStartMs,
  });
  const e = userEValues(memory);
  const split = splitTestAlpha(alpha, step.comparativeSteps);
  const { treatment: nT, control: nC } = exposed.value;
  const { treatment: bT, control: bC } = bad.value;
  const rateT = nT > 0 ? bT / nT : undefined;
  const rateC = nC > 0 ? bC / nC : undefined;
  const ratio = rateT !== undefined && rateC !== undefined && rateC > 0 ? rateT / rateC : undefined;
  const evidence = {
    treatment: { n: nT, events: bT, estimate: rateT },
    control: { n: nC, events: bC, estimate: rateC },
    estimate: ratio,
    limit: rho,
    bound: Math.exp(e.runHarm),
    pValue: Math.min(1, Math.exp(-Math.max(e.runHarm, e.stepHarm))),
    alpha,
  };
  const counts =
    `bad users treatment ${fmtCount(bT)}/${fmtCount(nT)} vs control ${fmtCount(bC)}/${fmtCount(nC)}` +
    (ratio === undefined ? '' : ` (ratio ${fmtNumber(ratio)})`);
  const judge = (status: Judgement['status'], why: string): Judgement => ({
    ...makeJudgement(g, status, `${counts}; ${why}`, evidence),
    memory,
  });
  const runLimit = Math.log(1 / split.wholeRun);
  const stepLimit = Math.log(1 / split.currentStep);
  // The harm e-process (run or step) that has crossed `fraction` of its limit in logs, if any.
  const crossed = (fraction: number) =>
    e.runHarm >= runLimit * fraction
      ? { which: 'run', value: e.runHarm, limit: runLimit }
      : e.stepHarm >= stepLimit * fraction
        ? { which: 'step', value: e.stepHarm, limit: stepLimit }
        : undefined;
  const harm = crossed(1);
  if (harm) {
    return judge(
      'fail',
      `harm e-value over the ${harm.which} ${fmtNumber(Math.exp(harm.value))} >= ${fmtNumber(Math.exp(harm.limit))}: ` +
        `the flag raises the share of users with ${g.users.bad} by more than ${rho}x`,
    );
  }
  // Suspected harm holds the step: a third of the way (in log terms) to the rollback limit, the step
  // waits until the evidence either fades or settles into a rollback. A hold spends no alpha (it
  // never rolls back), and under "no harm" the e-value drifts down, so healthy steps move on.
  const suspected = crossed(SUSPECTED_HARM);
  if (suspected) {
    const held = judge(
      'inconclusive',
      `harm suspected: e-value over the ${suspected.which} ${fmtNumber(Math.exp(suspected.value))} >= ` +
        `${fmtNumber(Math.exp(suspected.limit * SUSPECTED_HARM))} holds the step (rollback at ${fmtNumber(Math.exp(suspected.limit))})`,
    );
    return { ...held, harmSuspected: true };
  }
  const isCanary =
    canarySteps(g, { steps: step.steps ?? [], population: step.population }, alpha).includes(
      step.stepIndex,
    ) || safeOutOfReach(g, step.population, step.percentage / 100, e.runSafe, nT + nC, alpha);
  const gated =
    g.users.proveSafe === 'each-step' || (g.users.proveSafe === 'before-full' && step.nextStepRemovesControl);
  const needsSafe = gated && !isCanary;
  const safeLimit = Math.log(1 / alpha);
  // A gated canary step waits until it has seen nearly everyone it could expose (canaryWaiting).
  const waiting =
    isCanary && gated && e.runSafe < safeLimit
      ? canaryWaiting({
          population: step.population,
          seen: nT + nC,
          seenT: nT,
          seenByHalf: step.sinceStepStartMs === undefined ? 0 : seenByHalfAge(memory, step.sinceStepStartMs),
          elapsedMs: step.sinceStepStartMs,
          toDetect: treatmentUsersToDetect(
            g.users.baseline ?? DEFAULT_BASELINE,
            rho,
            step.percentage / 100,
            stepLimit * SUSPECTED_HARM,
          ),
          maxWaitMs: step.canaryMaxWaitMs,
          leansToHarm: Math.max(e.runHarm, e.stepHarm) > 0,
        })
      : undefined;
  if (waiting) return judge('inconclusive', waiting);
  if (needsSafe && e.runSafe < safeLimit) {
    return judge(
      'inconclusive',
      `not yet shown below ${rho}x: safe e-value ${fmtNumber(Math.exp(e.runSafe))} of ${fmtNumber(1 / alpha)} needed`,
    );
  }
  const shown =
    e.runSafe >= safeLimit
      ? `shown below ${rho}x`
      : isCanary
        ? `canary step (population ${step.population} too small to show it below ${rho}x), no harm seen`
        : `no harm beyond ${rho}x seen`;
  return judge('pass', `${shown} (harm e-value ${fmtNumber(Math.exp(e.runHarm))})`);
}
