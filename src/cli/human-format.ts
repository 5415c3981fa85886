import { formatDuration } from '../rollout-spec/duration.js';

/** `3d 16h 50m`: a wait (or an age) people read at a glance. */
export function humanDuration(ms: number): string {
  if (ms < 60_000) return formatDuration(ms - (ms % 1000));
  const minutes = Math.floor(ms / 60_000);
  const parts = [
    [Math.floor(minutes / 1440), 'd'],
    [Math.floor((minutes % 1440) / 60), 'h'],
    [minutes % 60, 'm'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}

/** A figure for people: 3 significant digits, whole numbers as they are (`--json` keeps it exact). */
export function sig3(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(3)));
}
