import type { ArmCounts, Measured } from './guardrail-input.js';

/** A measurement accepted for judging, or why it cannot be judged (never `fail`). */
export type Checked<T> =
  | { ok: true; value: T }
  | { ok: false; status: 'inconclusive' | 'error'; reason: string };

function fromMeasured<T>(m: Measured<T>, what: string): Checked<T> {
  if (m.status === 'no-data')
    return { ok: false, status: 'inconclusive', reason: `no data for ${what}: ${m.reason}` };
  if (m.status === 'error') return { ok: false, status: 'error', reason: `${what}: ${m.reason}` };
  return { ok: true, value: m.value };
}

/**
 * A count since step start: NaN or infinite is a broken source (error); negative means the counter
 * went backwards (a reset the source did not handle), so the numbers say nothing (inconclusive).
 */
export function checkCount(x: number, what: string): Checked<number> {
  if (!Number.isFinite(x))
    return { ok: false, status: 'error', reason: `${what} is ${x} (metric source returned a non-number)` };
  if (x < 0)
    return { ok: false, status: 'inconclusive', reason: `${what} is ${x}: counter went backwards (reset?)` };
  return { ok: true, value: x };
}

/** Per-arm counts from the metric source, validated as counts. */
export function checkArmCounts(m: Measured<ArmCounts>, what: string): Checked<ArmCounts> {
  const c = fromMeasured(m, what);
  if (!c.ok) return c;
  const t = checkCount(c.value.treatment, `treatment ${what}`);
  if (!t.ok) return t;
  const k = checkCount(c.value.control, `control ${what}`);
  if (!k.ok) return k;
  return c;
}

/** A single number from the metric source, before kind-specific checks. */
export function checkMeasured<T>(m: Measured<T>, what: string): Checked<T> {
  return fromMeasured(m, what);
}

/**
 * Good events must not exceed total events. Prometheus' increase() extrapolates each series, so
 * good may exceed total by a rounding hair; that is clamped, anything more is an error.
 */
export function checkSubset(good: number, total: number, what: string): Checked<number> {
  if (good <= total) return { ok: true, value: good };
  if (good - total <= 1e-6 * Math.max(1, total)) return { ok: true, value: total };
  return { ok: false, status: 'error', reason: `${what}: good ${good} exceeds total ${total}` };
}

/** Per-test alpha must be usable by the confidence sequence. */
export function checkAlpha(alpha: number): Checked<number> {
  if (alpha > 0 && alpha < 0.5) return { ok: true, value: alpha };
  return {
    ok: false,
    status: 'error',
    reason: `alpha share ${alpha} is outside (0, 0.5): check the spec's alpha`,
  };
}

/** The current step's stratum and each earlier one, checked by one rule; the first problem wins. */
export function checkStrata<P, T>(
  current: P,
  earlier: readonly P[] | undefined,
  check: (stratum: P, where: string) => Checked<T>,
): Checked<{ current: T; earlier: T[] }> {
  const now = check(current, '');
  if (!now.ok) return now;
  const before: T[] = [];
  for (const [i, stratum] of (earlier ?? []).entries()) {
    const c = check(stratum, ` (earlier step ${i + 1})`);
    if (!c.ok) return c;
    before.push(c.value);
  }
  return { ok: true, value: { current: now.value, earlier: before } };
}
