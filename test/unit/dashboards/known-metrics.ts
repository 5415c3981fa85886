import { Registry } from 'prom-client';
import { METRICS_CONTRACT } from '../../../src/dashboards/metrics-contract.js';
import { RampartMetrics } from '../../../src/telemetry/rampart-metrics.js';

/**
 * Series names a query may select: rampart's own registry (histograms expose _bucket, _sum and
 * _count) plus the metrics contract of the demo service and the simulator.
 */
export async function knownSeriesNames(): Promise<Set<string>> {
  const registry = new Registry();
  new RampartMetrics(registry, 'x');
  const names = new Set<string>(METRICS_CONTRACT.map((m) => m.name));
  for (const m of await registry.getMetricsAsJSON()) {
    if (String(m.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${m.name}${suffix}`);
    } else {
      names.add(m.name);
    }
  }
  return names;
}
