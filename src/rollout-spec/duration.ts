const UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNITS;

const PATTERN = /^(\d+)(ms|s|m|h|d)$/;

export const DURATION_HELP = 'a duration such as 500ms, 30s, 10m, 2h or 1d (one integer and one unit)';

/** Parses `500ms|30s|10m|2h|1d` into milliseconds; returns undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const [, amount, unit] = match;
  const ms = Number(amount) * UNITS[unit as Unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Formats milliseconds with the largest unit that divides them exactly, so parse(format(x)) === x. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`not a duration in ms: ${ms}`);
  if (ms === 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
