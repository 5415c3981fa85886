import { evaluateGuardrails } from '../analysis/evaluate-guardrails.js';
import type { ArmCounts, GuardrailInput, Measured } from '../analysis/guardrail-input.js';
import type { Verdict } from '../analysis/verdict.js';
import { type GuardrailQuery, guardrailQueries } from '../metric-sources/guardrail-queries.js';
import type { MetricSource, NoData, ScalarValue, VariantCounts } from '../metric-sources/metric-source.js';
import type { Guardrail } from '../rollout-spec/rollout-spec-schema.js';
import type { VerdictRequest, VerdictSource } from './verdict-source.js';

/** The answer to one query, as the analysis sees it, plus variant values the spec does not know. */
interface Answer {
  role: GuardrailQuery['role'];
  counts?: Measured<ArmCounts>;
  /** treatment + control + unknown variants (for `zero`, which must see every user). */
  sum?: Measured<number>;
  value?: Measured<number>;
  events?: Measured<number | undefined>;
  unknown: string[];
}

/** A closed window of an earlier step of the run: one stratum of the cumulative tests. */
interface PastWindow {
  stepIndex: number;
  since: Date;
  until: Date;
}

/**
 * A past window is cached only once its end is this far behind `now`: a scrape source may still be
 * ingesting the samples just before the end, afterwards the window's increase never changes.
 */
const PAST_SETTLED_MS = 60_000;

/**
 * Verdicts from a metric source: builds each guardrail's queries from the spec, runs all of them
 * concurrently, turns answers, NoData and thrown errors into measurements, and lets the pure
 * analysis judge. Never throws. Windows per kind:
 * - `compare`, `rate`: the current step since its start, plus each earlier step of the run as its
 *   own window [start_k, start_k+1) (a stratum). Earlier windows never change, so their answers are
 *   cached per rollout run and the queries per tick stay flat as the ramp goes on.
 * - `srm`: the current step from `settle` after its start (before that it is not queried and the
 *   analysis says it is settling): the split under test is the current one, so it stays per step.
 * - `zero`: since the run's first step. Stricter than since the step start (an event that became
 *   visible only after a step change, e.g. across a scrape gap, is still seen), and any increase
 *   fails anyway, so a longer window costs nothing on a healthy rollout; a person's resume starts a
 *   new run, which is how a known, accepted event is cleared.
 * - `threshold`, `promql`: their own window ending now.
 */
export class MetricVerdictSource implements VerdictSource {
  /** Answers of past windows per rollout, for its current run only. */
  private readonly past = new Map<string, { run: string; answers: Map<string, Answer> }>();

  constructor(private readonly source: MetricSource) {}

  async verdicts(req: VerdictRequest): Promise<Verdict[]> {
    const { spec } = req;
    const windows = this.pastWindows(req);
    const gathered = await Promise.all(spec.guardrails.map((g) => this.gather(g, req, windows)));
    const verdicts = evaluateGuardrails(
      spec,
      gathered.map((x) => x.input),
      {
        stepIndex: req.stepIndex,
        percentage: req.percentage,
        sinceStepStartMs: req.now.getTime() - req.stepStartedAt.getTime(),
      },
    );
    return verdicts.map((v, i) => {
      const unknown = gathered[i]?.unknown ?? [];
      return unknown.length === 0
        ? v
        : { ...v, reason: `${v.reason}; unknown variant values: ${unknown.join(', ')}` };
    });
  }

  /** Earlier steps of the run, oldest first, as closed windows; resets the cache on a new run. */
  private pastWindows(req: VerdictRequest): PastWindow[] {
    const starts = (req.stepStarts ?? []).filter((s) => s.at.getTime() < req.stepStartedAt.getTime());
    const first = starts[0];
    const run = first ? first.at.toISOString() : req.stepStartedAt.toISOString();
    if (this.past.get(req.spec.name)?.run !== run) this.past.set(req.spec.name, { run, answers: new Map() });
    return starts
      .map((s, i) => ({
        stepIndex: s.stepIndex,
        since: s.at,
        until: starts[i + 1]?.at ?? req.stepStartedAt,
      }))
      .filter((w) => w.until.getTime() > w.since.getTime());
  }

  private async gather(
    g: Guardrail,
    req: VerdictRequest,
    windows: readonly PastWindow[],
  ): Promise<{ input: GuardrailInput; unknown: string[] }> {
    let queries: GuardrailQuery[];
    try {
      queries = guardrailQueries(req.spec, g);
    } catch (error) {
      return { input: allFailed(g, message(error)), unknown: [] };
    }
    let since = req.stepStartedAt;
    if (g.kind === 'srm') {
      since = new Date(req.stepStartedAt.getTime() + g.srm.settle);
      if (since.getTime() > req.now.getTime()) {
        const settling: Measured<never> = { status: 'no-data', reason: 'settling after the step change' };
        return { input: { kind: 'srm', exposures: settling }, unknown: [] };
      }
    }
    const runStart = req.stepStarts?.[0]?.at;
    if (g.kind === 'zero' && runStart && runStart.getTime() < since.getTime()) since = runStart;
    const answers = await Promise.all(queries.map((q) => this.ask(q, since, req.now)));
    const input = inputOf(g, answers);
    if ((input.kind === 'compare' || input.kind === 'rate') && windows.length > 0) {
      const strata = await Promise.all(
        windows.map((w) => Promise.all(queries.map((q) => this.askPast(q, w, req)))),
      );
      if (input.kind === 'compare') {
        input.earlier = strata.map((a) => ({ good: countsOf(a, 'good'), total: countsOf(a, 'total') }));
      } else {
        input.earlier = strata.map((a) => ({ events: countsOf(a, 'events'), per: countsOf(a, 'per') }));
      }
    }
    return { input, unknown: answers.flatMap((a) => a.unknown) };
  }

  private async askPast(q: GuardrailQuery, w: PastWindow, req: VerdictRequest): Promise<Answer> {
    const cache = this.past.get(req.spec.name)?.answers;
    const key = `${w.stepIndex}|${w.since.toISOString()}|${w.until.toISOString()}|${JSON.stringify(q.query)}`;
    const hit = cache?.get(key);
    // Guardrails may share a query (compare's total and rate's per): the answer is the same, the role is ours.
    if (hit) return { ...hit, role: q.role };
    const a = await this.ask(q, w.since, w.until);
    const settled = req.now.getTime() - w.until.getTime() >= PAST_SETTLED_MS;
    if (settled && a.counts?.status === 'ok') cache?.set(key, a);
    return a;
  }

  private async ask(q: GuardrailQuery, since: Date, until: Date): Promise<Answer> {
    try {
      if (q.type === 'counts') {
        return fromCounts(q, await this.source.counts(q.query, since, until));
      }
      return fromScalar(q, await this.source.scalar(q.query, q.windowMs, until));
    } catch (error) {
      const m: Measured<never> = { status: 'error', reason: message(error) };
      return { role: q.role, counts: m, sum: m, value: m, events: m, unknown: [] };
    }
  }
}

function countsOf(answers: readonly Answer[], role: Answer['role']): Measured<ArmCounts> {
  return answers.find((a) => a.role === role)?.counts ?? MISSING;
}

function fromCounts(q: GuardrailQuery, r: VariantCounts | NoData): Answer {
  if (r.kind === 'no-data') {
    const m: Measured<never> = { status: 'no-data', reason: r.reason };
    return { role: q.role, counts: m, sum: m, unknown: [] };
  }
  const others = Object.entries(r.unknown).filter(([, n]) => n !== 0);
  const unknownSum = others.reduce((s, [, n]) => s + n, 0);
  return {
    role: q.role,
    counts: { status: 'ok', value: { treatment: r.treatment, control: r.control } },
    sum: { status: 'ok', value: r.treatment + r.control + unknownSum },
    unknown: others.map(([label, n]) => `${JSON.stringify(label)}=${n} in ${metricOf(q)}`),
  };
}

function fromScalar(q: GuardrailQuery, r: ScalarValue | NoData): Answer {
  if (r.kind === 'no-data') {
    const m: Measured<never> = { status: 'no-data', reason: r.reason };
    return { role: q.role, value: m, events: m, unknown: [] };
  }
  return {
    role: q.role,
    value: { status: 'ok', value: r.value },
    events: { status: 'ok', value: r.events },
    unknown: [],
  };
}

function metricOf(q: GuardrailQuery): string {
  return 'metric' in q.query ? q.query.metric : 'query';
}

const MISSING: Measured<never> = { status: 'error', reason: 'query not built' };

function inputOf(g: Guardrail, answers: Answer[]): GuardrailInput {
  const by = (role: Answer['role']) => answers.find((a) => a.role === role);
  switch (g.kind) {
    case 'compare':
      return { kind: 'compare', good: by('good')?.counts ?? MISSING, total: by('total')?.counts ?? MISSING };
    case 'rate':
      return { kind: 'rate', events: by('events')?.counts ?? MISSING, per: by('per')?.counts ?? MISSING };
    case 'zero':
      return { kind: 'zero', increase: by('increase')?.sum ?? MISSING };
    case 'srm':
      return { kind: 'srm', exposures: by('exposures')?.counts ?? MISSING };
    case 'threshold':
      return {
        kind: 'threshold',
        value: by('value')?.value ?? MISSING,
        events: by('value')?.events ?? MISSING,
      };
    case 'promql':
      return { kind: 'promql', value: by('value')?.value ?? MISSING };
    default:
      return g satisfies never;
  }
}

/** Every measurement of the guardrail failed the same way (e.g. its queries could not be built). */
function allFailed(g: Guardrail, reason: string): GuardrailInput {
  const m: Measured<never> = { status: 'error', reason };
  switch (g.kind) {
    case 'compare':
      return { kind: 'compare', good: m, total: m };
    case 'rate':
      return { kind: 'rate', events: m, per: m };
    case 'zero':
      return { kind: 'zero', increase: m };
    case 'srm':
      return { kind: 'srm', exposures: m };
    case 'threshold':
      return { kind: 'threshold', value: m, events: m };
    case 'promql':
      return { kind: 'promql', value: m };
    default:
      return g satisfies never;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
