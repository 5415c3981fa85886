import { evaluateGuardrails } from '../analysis/evaluate-guardrails.js';
import type { ArmCounts, GuardrailInput, Measured } from '../analysis/guardrail-input.js';
import type { Verdict } from '../analysis/verdict.js';
import { type GuardrailQuery, guardrailQueries } from '../metric-sources/guardrail-queries.js';
import type { MetricSource, NoData, ScalarValue, VariantCounts } from '../metric-sources/metric-source.js';
import type { Guardrail } from '../spec/rollout-spec-schema.js';
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

/**
 * Verdicts from a metric source: builds each guardrail's queries from the spec, runs all of them
 * concurrently (counts since the step start, scalars over their window at `now`), turns answers,
 * NoData and thrown errors into measurements, and lets the pure analysis judge. Never throws.
 */
export class MetricVerdictSource implements VerdictSource {
  constructor(private readonly source: MetricSource) {}

  async verdicts(req: VerdictRequest): Promise<Verdict[]> {
    const { spec } = req;
    const gathered = await Promise.all(spec.guardrails.map((g) => this.gather(g, req)));
    const verdicts = evaluateGuardrails(
      spec,
      gathered.map((x) => x.input),
      { stepIndex: req.stepIndex, percentage: req.percentage },
    );
    return verdicts.map((v, i) => {
      const unknown = gathered[i]?.unknown ?? [];
      return unknown.length === 0
        ? v
        : { ...v, reason: `${v.reason}; unknown variant values: ${unknown.join(', ')}` };
    });
  }

  private async gather(
    g: Guardrail,
    req: VerdictRequest,
  ): Promise<{ input: GuardrailInput; unknown: string[] }> {
    let queries: GuardrailQuery[];
    try {
      queries = guardrailQueries(req.spec, g);
    } catch (error) {
      return { input: allFailed(g, message(error)), unknown: [] };
    }
    const answers = await Promise.all(queries.map((q) => this.ask(q, req)));
    return { input: inputOf(g, answers), unknown: answers.flatMap((a) => a.unknown) };
  }

  private async ask(q: GuardrailQuery, req: VerdictRequest): Promise<Answer> {
    try {
      if (q.type === 'counts') {
        return fromCounts(q, await this.source.counts(q.query, req.stepStartedAt, req.now));
      }
      return fromScalar(q, await this.source.scalar(q.query, q.windowMs, req.now));
    } catch (error) {
      const m: Measured<never> = { status: 'error', reason: message(error) };
      return { role: q.role, counts: m, sum: m, value: m, events: m, unknown: [] };
    }
  }
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
