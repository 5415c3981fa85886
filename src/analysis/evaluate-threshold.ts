import type { Guardrail, GuardrailOf } from '../spec/rollout-spec-schema.js';
import { checkMeasured } from './checked-input.js';
import { fmtCount, fmtNumber } from './format.js';
import type { GuardrailInput } from './guardrail-input.js';
import { makeVerdict, notJudged } from './make-verdict.js';
import type { Evidence, Verdict } from './verdict.js';

/**
 * `threshold`: a ratio or scalar over everyone (both arms) in [min, max]. It spends no alpha: the
 * limit is the author's, not a test. Fewer than `minEvents` events behind a ratio is inconclusive.
 */
export function evaluateThreshold(
  g: GuardrailOf<'threshold'>,
  input: Extract<GuardrailInput, { kind: 'threshold' }>,
): Verdict {
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
      return makeVerdict(g, 'error', `event count is ${n} (metric source returned a non-number)`);
    if (n < 0) return makeVerdict(g, 'inconclusive', `event count is ${n}: counter went backwards (reset?)`);
    if (n < t.minEvents) {
      return makeVerdict(g, 'inconclusive', `only ${fmtCount(n)} events in the window, need ${t.minEvents}`, {
        estimate: value.value,
      });
    }
  }
  if (t.ratio && Number.isFinite(value.value) && (value.value < 0 || value.value > 1)) {
    return makeVerdict(g, 'error', `ratio ${value.value} is outside [0, 1]: inconsistent counters`);
  }
  return judgeRange(g, value.value, t.min, t.max, n === undefined ? '' : ` (n=${fmtCount(n)})`);
}

/** `promql`: the query's scalar in [min, max]; spends no alpha. */
export function evaluatePromql(
  g: GuardrailOf<'promql'>,
  input: Extract<GuardrailInput, { kind: 'promql' }>,
): Verdict {
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
): Verdict {
  if (min === undefined && max === undefined) return makeVerdict(g, 'error', 'neither min nor max is set');
  // A ratio of zero events is 0/0 = NaN: nothing happened, so hold rather than alarm.
  if (Number.isNaN(v)) return makeVerdict(g, 'inconclusive', 'value is NaN (no events in the window?)');
  if (!Number.isFinite(v))
    return makeVerdict(g, 'error', `value is ${v} (metric source returned a non-number)`);
  const evidence: Evidence = { estimate: v };
  if (min !== undefined && v < min) {
    return makeVerdict(g, 'fail', `${fmtNumber(v)}${events} < min ${fmtNumber(min)}`, {
      ...evidence,
      limit: min,
    });
  }
  if (max !== undefined && v > max) {
    return makeVerdict(g, 'fail', `${fmtNumber(v)}${events} > max ${fmtNumber(max)}`, {
      ...evidence,
      limit: max,
    });
  }
  return makeVerdict(g, 'pass', `${fmtNumber(v)}${events} within [${range(min)}, ${range(max)}]`, evidence);
}

function range(x: number | undefined): string {
  return x === undefined ? '-' : fmtNumber(x);
}
