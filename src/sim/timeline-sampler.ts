import type { Scenario } from './parse-scenario.js';
import type { SimMetricSource } from './sim-metric-source.js';
import type { TimelinePoint } from './sim-result.js';

const SECOND = 1000;
/** Each point's success shares are over the last five minutes, so a plot shows a fault's edge. */
const WINDOW_MS = 300_000;

interface Counts {
  t: number;
  ts: number;
  tt: number;
  cs: number;
  ct: number;
}

/** The per-tick timeline of a run (for --plot): percentage and each arm's recent login success. */
export class TimelineSampler {
  readonly points: TimelinePoint[] = [];
  private readonly window: Counts[] = [];

  constructor(
    private readonly metrics: SimMetricSource,
    private readonly variant: Scenario['spec']['variant'],
  ) {}

  sample(now: number, percentage: number): void {
    const { metrics, variant, window } = this;
    const count = (v: string, result?: string) =>
      metrics.total('login_attempts_total', result ? { [variant.label]: v, result } : { [variant.label]: v });
    window.push({
      t: now,
      ts: count(variant.treatment, 'success'),
      tt: count(variant.treatment),
      cs: count(variant.control, 'success'),
      ct: count(variant.control),
    });
    while (window.length > 1 && (window[0]?.t ?? now) < now - WINDOW_MS) window.shift();
    const first = window[0];
    const last = window[window.length - 1];
    if (!first || !last) return;
    const share = (good: number, total: number) => (total > 0 ? good / total : null);
    this.points.push({
      t: now / SECOND,
      percentage,
      treatment: share(last.ts - first.ts, last.tt - first.tt),
      control: share(last.cs - first.cs, last.ct - first.ct),
    });
  }
}
