import type { Guardrail, GuardrailOf } from '../rollout-spec/rollout-spec-schema.js';
import { checkMeasured } from './checked-input.js';
import { fmtCount, fmtNumber } from './format.js';
import type { GuardrailInput } from './guardrail-input.js';
import { makeJudgement, notJudged } from './make-judgement.js';
import type { Evidence, Judgement } from './verdict.js';

/** One-sided z of the ratio bound: 99.9 % per look. */
const RATIO_Z = 3.09;

/** Wilson score bounds of k successes in n at `z`: well behaved at 0 and n, unlike the plain interval. */
export function wilsonBounds(ratio: number, n: number, z = RATIO_Z): { lower: number; upper: number } {
  const z2 = z * z;
  const centre = (ratio + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((ratio * (1 - ratio)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * `threshold`: a ratio or scalar over everyone (both arms) in [min, max]; the limit is the author's,
 * and it is not part of the rollout's alpha budget. Fewer than `minEvents` events behind a ratio is
 * inconclusive. A ratio fails only when its 99.9 % Wilson bound is outside the limit too, so a
 * handful of unlucky logins in a small window holds the step instead of rolling back, while an
 * outage (a ratio near 0 over `minEvents` events) fails at once. Scalars have no sample size: the
 * value itself is judged.
 */
export function evaluateThreshold(
  g: GuardrailOf<'threshold'>,
  input: Extract<GuardrailInput, { kind: 'threshold' }>,
): Judgement {
  const t = g.threshold;
  const value = checkMeasured(
    input.value,
    t.ratio ? `${t.ratio.metric} ratio` : (t.scalar?.metric ?? 'value'),
  );
  if (!value.ok) return notJudged(g, value);
  const events = checkMeasured(input.events, 'event count');
  if (!events.ok) return notJudged(g, events);
  const n = events.value;
  if (n !== undefined) {
    if (!Number.isFinite(n))
      return makeJudgement(g, 'error', `event count is ${n} (metric source returned a non-number)`);
    if (n < 0)
      return makeJudgement(g, 'inconclusive', `event count is ${n}: counter went backwards (reset?)`);
    if (n < t.minEvents) {
      return makeJudgement(
        g,
        'inconclusive',
        `only ${fmtCount(n)} events in the window, need ${t.minEvents}`,
        {
          estimate: value.value,
        },
      );
    }
  }
  if (t.ratio && Number.isFinite(value.value) && (value.value < 0 || value.value > 1)) {
    return makeJudgement(g, 'error', `ratio ${value.value} is outside [0, 1]: inconsistent counters`);
  }
  const bounds = t.ratio && n !== undefined && n > 0 ? wilsonBounds(value.value, n) : undefined;
  return judgeRange(g, value.value, t.min, t.max, n === undefined ? '' : ` (n=${fmtCount(n)})`, bounds);
}

/** `promql`: the query's scalar in [min, max]; spends no alpha. */
export function evaluatePromql(
  g: GuardrailOf<'promql'>,
  input: Extract<GuardrailInput, { kind: 'promql' }>,
): Judgement {
  const value = checkMeasured(input.value, 'query result');
  if (!value.ok) return notJudged(g, value);
  return judgeRange(g, value.value, g.promql.min, g.promql.max, '');
}

function judgeRange(
  g: Guardrail,
  v: number,
  min: number | undefined,
  max: number | undefined,
  events: string,
  bounds?: { lower: number; upper: number },
): Judgement {
  if (min === undefined && max === undefined) return makeJudgement(g, 'error', 'neither min nor max is set');
  // A ratio of zero events is 0/0 = NaN: nothing happened, so hold rather than alarm.
  if (Number.isNaN(v)) return makeJudgement(g, 'inconclusive', 'value is NaN (no events in the window?)');
  if (!Number.isFinite(v))
    return makeJudgement(g, 'error', `value is ${v} (metric source returned a non-number)`);
  const evidence: Evidence = { estimate: v };
  if (min !== undefined && v < min) {
    const upper = bounds?.upper;
    if (upper !== undefined && upper >= min) {
      return makeJudgement(
        g,
        'inconclusive',
        `${fmtNumber(v)}${events} below min ${fmtNumber(min)}, but not with confidence (upper bound ${fmtNumber(upper)}); holding`,
        { ...evidence, bound: upper, limit: min },
      );
    }
    const bound = upper === undefined ? '' : `, upper bound ${fmtNumber(upper)}`;
    return makeJudgement(g, 'fail', `${fmtNumber(v)}${events} < min ${fmtNumber(min)}${bound}`, {
      ...evidence,
      ...(upper === undefined ? {} : { bound: upper }),
      limit: min,
    });
  }
  if (max !== undefined && v > max) {
    const lower = bounds?.lower;
    if (lower !== undefined && lower <= max) {
      return makeJudgement(
        g,
        'inconclusive',
        `${fmtNumber(v)}${events} above max ${fmtNumber(max)}, but not with confidence (lower bound ${fmtNumber(lower)}); holding`,
        { ...evidence, bound: lower, limit: max },
      );
    }
    const bound = lower === undefined ? '' : `, lower bound ${fmtNumber(lower)}`;
    return makeJudgement(g, 'fail', `${fmtNumber(v)}${events} > max ${fmtNumber(max)}${bound}`, {
      ...evidence,
      ...(lower === undefined ? {} : { bound: lower }),
      limit: max,
    });
  }
  return makeJudgement(g, 'pass', `${fmtNumber(v)}${events} within [${range(min)}, ${range(max)}]`, evidence);
}

function range(x: number | undefined): string {
  return x === undefined ? '-' : fmtNumber(x);
}
