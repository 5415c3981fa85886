/** Number formats of verdict reasons: shares to 3 decimals, counts as integers where they are. */
export function fmtShare(x: number): string {
  return x.toFixed(3);
}

export function fmtCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function fmtNumber(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e6 || a < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

export function fmtP(p: number): string {
  return p >= 0.001 ? p.toFixed(4) : p.toExponential(1);
}
