/** A scraped value at a time (epoch ms). */
export interface Sample {
  t: number;
  v: number;
}

/** A counter sample that cannot be part of an increase: NaN, infinite, or negative. */
export function isInvalidCounterSample(s: Sample): boolean {
  return !Number.isFinite(s.v) || s.v < 0;
}

/**
 * Increase of a counter between `since` and `until` from samples sorted by time, like Prometheus's
 * increase() but without extrapolation: from the last sample at or before `since` (or, when history
 * starts later, the first one after it) to the last sample at or before `until`. A value lower than
 * its predecessor is a counter reset (the app restarted): the increase counts from 0 again, so a
 * restart never looks like a negative or huge count.
 *
 * Returns `undefined` when no sample lies in the range and NaN when a sample in use is invalid.
 */
export function counterIncrease(
  samples: readonly Sample[],
  since: number,
  until: number,
): number | undefined {
  let start = -1;
  let end = -1;
  for (let i = 0; i < samples.length; i++) {
    const t = (samples[i] as Sample).t;
    if (t > until) break;
    if (t <= since || start === -1) start = i;
    end = i;
  }
  if (start === -1 || (end === start && (samples[start] as Sample).t <= since)) {
    // Nothing after `since`: no sample shows what happened in the range.
    return start === -1 ? undefined : validOrNaN(samples[start] as Sample, 0);
  }
  let increase = 0;
  let prev = samples[start] as Sample;
  if (isInvalidCounterSample(prev)) return Number.NaN;
  for (let i = start + 1; i <= end; i++) {
    const cur = samples[i] as Sample;
    if (isInvalidCounterSample(cur)) return Number.NaN;
    increase += cur.v >= prev.v ? cur.v - prev.v : cur.v;
    prev = cur;
  }
  return increase;
}

function validOrNaN(s: Sample, value: number): number {
  return isInvalidCounterSample(s) ? Number.NaN : value;
}

/** Drops samples older than `cutoff`, keeping the newest one before it so increases from `cutoff` still have a base. */
export function pruneSamples(samples: Sample[], cutoff: number): void {
  let drop = 0;
  while (drop + 1 < samples.length && (samples[drop + 1] as Sample).t <= cutoff) drop++;
  if (drop > 0) samples.splice(0, drop);
}
