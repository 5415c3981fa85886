import type { GuardrailInput, Measured } from '../analysis/guardrail-input.js';
import type { Verdict } from '../analysis/verdict.js';
import { evaluateGuardrails } from '../guardrails/evaluate-guardrails.js';
import type { GuardrailQuery, QueryAnswer } from '../guardrails/guardrail-query.js';
import { guardrailKind } from '../guardrails/registry.js';
import type { MetricSource, NoData, ScalarValue, VariantCounts } from '../metric-sources/metric-source.js';
import type { Guardrail } from '../rollout-spec/rollout-spec-schema.js';
import type { VerdictRequest, VerdictSource } from './verdict-source.js';

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
 * analysis judge. Never throws. Each kind places its current window (GuardrailKind.window: the
 * step since its start, srm after its settle time, zero since the run's first step; scalars have
 * their own window ending now). Kinds with cumulative tests (GuardrailKind.withEarlier: compare,
 * rate) also get each earlier step of the run as its own window [start_k, start_k+1) (a stratum).
 * Earlier windows never change, so their answers are cached per rollout run and the queries per
 * tick stay flat as the ramp goes on.
 */
export class MetricVerdictSource implements VerdictSource {
  /** Answers of past windows per rollout, for its current run only. */
  private readonly past = new Map<string, { run: string; answers: Map<string, QueryAnswer> }>();

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
    const kind = guardrailKind(g.kind);
    let queries: GuardrailQuery[];
    try {
      queries = kind.queries(req.spec, g);
    } catch (error) {
      return { input: kind.failed(g, message(error)), unknown: [] };
    }
    const runStart = req.stepStarts?.[0]?.at;
    const current = kind.window(g, { stepStartedAt: req.stepStartedAt, runStart, now: req.now });
    if ('notYet' in current) return { input: current.notYet, unknown: [] };
    const answers = await Promise.all(queries.map((q) => this.ask(q, current.since, req.now)));
    let input = kind.input(g, answers);
    if (kind.withMemory) {
      input = kind.withMemory(input, {
        prev: req.memory?.[g.name],
        run: (runStart ?? req.stepStartedAt).toISOString(),
        step: req.stepStartedAt.toISOString(),
      });
    }
    if (kind.withEarlier && windows.length > 0) {
      const strata = await Promise.all(
        windows.map((w) => Promise.all(queries.map((q) => this.askPast(q, w, req)))),
      );
      input = kind.withEarlier(input, strata);
    }
    return { input, unknown: answers.flatMap((a) => a.unknown) };
  }

  private async askPast(q: GuardrailQuery, w: PastWindow, req: VerdictRequest): Promise<QueryAnswer> {
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

  private async ask(q: GuardrailQuery, since: Date, until: Date): Promise<QueryAnswer> {
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

function fromCounts(q: GuardrailQuery, r: VariantCounts | NoData): QueryAnswer {
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

function fromScalar(q: GuardrailQuery, r: ScalarValue | NoData): QueryAnswer {
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

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
