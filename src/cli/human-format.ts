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
