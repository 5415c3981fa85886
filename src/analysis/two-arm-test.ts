import type { Guardrail } from '../rollout-spec/rollout-spec-schema.js';
import { splitTestAlpha } from './alpha.js';
import { type Checked, checkAlpha, checkStrata } from './checked-input.js';
import { fmtCount } from './format.js';
import { makeJudgement, notJudged } from './make-judgement.js';
import type { StepContext } from './step-context.js';
import type { Judgement } from './verdict.js';

/** One arm of the current step: its sample (the denominator) and its events. */
export interface Arm {
  n: number;
  events: number;
}

/** A bound of one sequence: the strata it used and its sample clock, as the reason shows them. */
export interface SequenceBound {
  strata: number;
  n: number;
}

/** The non-inferiority gate before 100 %: whether it is shown, the bound it rests on, and its text. */
export interface GateResult {
  shown: boolean;
  bound: number;
  /** e.g. "lower bound -1.2 % > -5.0 %", shown in the reason either way. */
  text: string;
}

/**
 * What a treatment-vs-control guardrail plugs into the shared sequential test: its statistics (which
 * stay in their own pure modules) and how its numbers read. `P` is one stratum's measurements, `C`
 * its checked counts, `B` a bound of the guardrail's confidence sequence.
 */
export interface TwoArmTest<P, C, B extends SequenceBound> {
  /** The configured limit as the evidence shows it (compare: -maxDrop, rate: maxRatio). */
  limit: number;
  /** What the arms' sample counts, for "no treatment <unit>" (compare: events, rate: its `per`). */
  unit: string;
  /** Validates one stratum; `where` names an earlier step in the reason. */
  check(stratum: P, where: string): Checked<C>;
  arms(c: C): { treatment: Arm; control: Arm };
  /** The current step's arms when both have a sample, e.g. "treatment 0.91 (n=600) vs control ...". */
  describeArms(treatment: Arm & { estimate: number }, control: Arm & { estimate: number }): string;
  /** The whole-run sequence over every stratum; undefined when no stratum has both arms. */
  wholeRun(strata: readonly C[], step: StepContext, alpha: number): B | undefined;
  /** The current-step sequence. */
  currentStep(current: C, step: StepContext, alpha: number): B | undefined;
  /** Whether the sequence has crossed the limit (treatment shown worse: fail). */
  crosses(b: B): boolean;
  /** The bound against the limit; `single`: the run has one stratum and no estimate is repeated. */
  describe(b: B, single: boolean): string;
  /** The tested quantity and its bound, for the evidence. */
  judged(b: B): { estimate: number; bound: number };
  /** The non-inferiority gate over every stratum at the guardrail's full alpha share. */
  gate(strata: readonly C[], step: StepContext, alpha: number): GateResult;
}

/**
 * The shared skeleton of `compare` and `rate`: a whole-run sequence (one stratum per step) and a
 * current-step sequence, alpha split as ALPHA_RULE says; either crossing fails. At the step before
 * 100 % (StepContext.nextStepRemovesControl) nothing can detect a harm after the move, so the
 * verdict is `inconclusive` (holds, never rolls back) until the gate shows non-inferiority. The
 * evidence's treatment/control are the current step's.
 */
export function twoArmTest<P, C, B extends SequenceBound>(
  g: Guardrail,
  test: TwoArmTest<P, C, B>,
  currentInput: P,
  earlierInput: readonly P[] | undefined,
  step: StepContext,
  alpha: number,
): Judgement {
  const a = checkAlpha(alpha);
  if (!a.ok) return notJudged(g, a);
  const strata = checkStrata(currentInput, earlierInput, (s, where) => test.check(s, where));
  if (!strata.ok) return notJudged(g, strata);
  const { current, earlier } = strata.value;
  const { treatment: t, control: c } = test.arms(current);
  const rT = t.n > 0 ? t.events / t.n : undefined;
  const rC = c.n > 0 ? c.events / c.n : undefined;
  const evidence = {
    treatment: { n: t.n, events: t.events, estimate: rT },
    control: { n: c.n, events: c.events, estimate: rC },
    limit: test.limit,
    alpha,
  };
  if (step.percentage >= 100 && c.n === 0) {
    return makeJudgement(
      g,
      'inconclusive',
      `no control arm at ${step.percentage} %: nothing to compare`,
      evidence,
    );
  }
  const all = [...earlier, current];
  const split = splitTestAlpha(alpha, step.comparativeSteps);
  const b = test.wholeRun(all, step, split.wholeRun);
  if (b === undefined) {
    const what = rT === undefined ? 'treatment' : 'control';
    return makeJudgement(g, 'inconclusive', `no ${what} ${test.unit} since step start`, evidence);
  }
  const latest = test.currentStep(current, step, split.currentStep);
  const wholeFailed = test.crosses(b);
  const latestFailed = latest !== undefined && test.crosses(latest);
  const here =
    rT !== undefined && rC !== undefined
      ? test.describeArms({ ...t, estimate: rT }, { ...c, estimate: rC })
      : `no ${rT === undefined ? 'treatment' : 'control'} ${test.unit}`;
  // One stratum: both sequences see the same counts; show the one that crossed, if any.
  const shown = latestFailed && !wholeFailed && latest !== undefined ? latest : b;
  const over = `over ${b.strata} step(s) (treatment n=${fmtCount(b.n)})`;
  const whole = `${here} this step; ${over}: ${test.describe(b, false)}`;
  const reason =
    earlier.length === 0
      ? `${here}, ${test.describe(shown, true)}`
      : latest === undefined
        ? whole
        : `${whole}; this step alone: ${test.describe(latest, false)}`;
  const judged = { ...evidence, ...test.judged(shown), strata: shown.strata };
  if (wholeFailed || latestFailed) return makeJudgement(g, 'fail', reason, judged);
  if (!step.nextStepRemovesControl) return makeJudgement(g, 'pass', reason, judged);
  // Non-inferiority gate: the last look with a control arm. Spends no rollback alpha (it only holds).
  const gate = test.gate(all, step, alpha);
  if (!gate.shown) {
    return makeJudgement(
      g,
      'inconclusive',
      `non-inferiority not shown yet before 100 % (${gate.text}); holding; ${reason}`,
      { ...judged, bound: gate.bound },
    );
  }
  return makeJudgement(g, 'pass', `${reason}; non-inferiority shown before 100 % (${gate.text})`, judged);
}
