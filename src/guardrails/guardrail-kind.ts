import type { GuardrailInput, MemoryContext } from '../analysis/guardrail-input.js';
import type { HoldEstimate, PlanContext } from '../analysis/hold-estimates.js';
import type { StepContext } from '../analysis/step-context.js';
import type { FailAction, Judgement } from '../analysis/verdict.js';
import type { MetricSourceType } from '../metric-sources/metric-source-config.js';
import type { Guardrail, GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import type { GuardrailQuery, QueryAnswer, RolloutScope } from './guardrail-query.js';
import type { CheckResult, PeerCheckSet, PeerContext } from './peer-check.js';

/** The input a guardrail of kind K is judged on. */
export type InputOf<K extends Guardrail['kind']> = Extract<GuardrailInput, { kind: K }>;

/** The times the current window of a guardrail is placed by. */
export interface WindowTimes {
  stepStartedAt: Date;
  /** Start of the rollout run's first step, when known. */
  runStart: Date | undefined;
  now: Date;
}

/** Where the current window starts, or the input to judge when it is not queried yet. */
export type CurrentWindow<I> = { since: Date } | { notYet: I };

/**
 * Everything rampart does that depends on a guardrail's kind. One implementation per kind
 * (guardrails/<kind>.ts), all listed in the registry: the controller, the evaluator and the
 * simulator's peers walk it instead of switching on the kind.
 */
export interface GuardrailKind<K extends Guardrail['kind']> {
  /** The schema's discriminant this implementation serves. */
  readonly kind: K;
  /**
   * What a `fail` asks the controller to do. `pause` where a failure means the data cannot be trusted
   * (srm: the arms are not the split they claim to be, so no comparison of them means anything, and
   * rolling back would act on it); `rollback` where it means the treatment does harm.
   */
  readonly onFail: FailAction;
  /**
   * Whether the guardrail spends a share of the spec's false-rollback budget `alpha` (ALPHA_RULE):
   * true for the statistical treatment-vs-control tests, whose chance of failing a healthy rollout
   * the budget bounds; false for the fixed limits the author chose and for the kinds that never roll
   * back or bring their own level. The count of spenders divides the budget.
   */
  readonly spendsAlpha: boolean;
  /**
   * The true drop the guardrail allows (treatment share below control), which `rampart plan`
   * computes detection power for; absent: the power plan does not model the kind.
   */
  plannedMaxDrop?(g: GuardrailOf<K>): number;
  /**
   * Whether the verdict still means something without a control arm, i.e. at 100 % while the
   * rollout soaks. Comparisons of treatment against control (and their split) do not.
   */
  readonly withoutControl: boolean;
  /**
   * Judged before the first step too (a global SLO check): one already failing then holds the start
   * (the flag did not cause it) instead of rolling back later. Absent: false.
   */
  readonly preflight?: boolean;
  /**
   * The metric-source queries behind the guardrail at one tick. Counts run over the current window
   * (see `window`), scalars over their own window ending now. Throws MetricSourceError (unsupported_query) when the
   * guardrail cannot be queried; the controller then judges `failed`.
   */
  queries(scope: RolloutScope, g: GuardrailOf<K>): GuardrailQuery[];
  /** Where the current window of the counts starts, from the step start, the run start and now. */
  window(g: GuardrailOf<K>, t: WindowTimes): CurrentWindow<InputOf<K>>;
  /** The input assembled from the answers to `queries` (any order; missing ones are errors). */
  input(g: GuardrailOf<K>, answers: readonly QueryAnswer[]): InputOf<K>;
  /**
   * For cumulative tests: the input with the answers of each earlier step of the run (oldest first,
   * each to the same `queries`) as its strata. Absent: the kind looks at the current window only.
   */
  withEarlier?(input: InputOf<K>, strata: readonly (readonly QueryAnswer[])[]): InputOf<K>;
  /**
   * For tests that carry evidence across ticks (`users`): the input with the guardrail's memory from
   * the rollout state. Absent: the kind is judged on this tick's answers alone.
   */
  withMemory?(input: InputOf<K>, memory: MemoryContext): InputOf<K>;
  /** The input when every measurement failed the same way (e.g. its queries could not be built). */
  failed(g: GuardrailOf<K>, reason: string): InputOf<K>;
  /**
   * The pure judgement at this tick (the caller adds `onFail`); `alpha` is the guardrail's share of
   * the spec's false-rollback budget.
   */
  evaluate(g: GuardrailOf<K>, input: InputOf<K>, step: StepContext, alpha: number): Judgement;
  /**
   * The metric-source types that can answer its queries, and what to tell a user whose rampart uses
   * another; absent: every type. Checked when the specs are loaded, before any rollout runs.
   */
  sources?: { types: readonly MetricSourceType[]; why: string };
  /**
   * `rampart plan --traffic`: which metric selections the traffic figure is taken for and how long
   * the guardrail is expected to hold a step. Absent: not statistical, nothing to estimate.
   */
  plan?(g: GuardrailOf<K>, ctx: PlanContext): HoldEstimate;
  /**
   * How a rollout's dashboard charts the guardrail from the same `queries`: one count role per
   * another, per variant (e.g. good logins per login). Absent: each query is charted on its own
   * (counts per variant, scalars as they are), so a new kind gets panels without a dashboard edit.
   */
  chart?: { ratio: { of: GuardrailQuery['role']; per: GuardrailQuery['role'] }; unit: ChartUnit };
  /** How a peer tool (Flagger, Argo) would check the guardrail; absent: the peers have no equivalent. */
  peer?: {
    /** The smallest check set that includes this check (`all` for comparisons). */
    set: PeerCheckSet;
    /** The fixed-threshold check over the peer's interval; undefined when it cannot be expressed. */
    check(g: GuardrailOf<K>, ctx: PeerContext): Promise<CheckResult | undefined>;
  };
}

/** The unit of a guardrail's chart: a share (0..1) or a plain number. */
export type ChartUnit = 'percentunit' | 'short';

/** The common window: the current step since its start. */
export function stepWindow(t: WindowTimes): { since: Date } {
  return { since: t.stepStartedAt };
}
