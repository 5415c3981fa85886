/**
 * Number formats of verdict reasons, which people read: shares to 3 decimals, counts as whole events
 * (Prometheus' increase() extrapolates fractions), other figures to 3 significant digits. The exact
 * numbers are in the verdict's evidence (the API and every `--json`).
 */
export function fmtShare(x: number): string {
  return x.toFixed(3);
}

export function fmtCount(n: number): string {
  return String(Math.round(n));
}

export function fmtNumber(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e6 || a < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}

export function fmtP(p: number): string {
  return p >= 0.001 ? p.toFixed(4) : p.toExponential(1);
}
