import type { FlagBackend } from '../flag-backends/flag-backend.js';
import type { ReadinessCheck } from '../http/routes/health-routes.js';
import type { MetricSource } from '../metric-sources/metric-source.js';
import type { Store } from '../store/store.js';

/**
 * What /readyz checks: the store, each flag backend on the flags of the rollouts it carries (an
 * authorised read, so a rejected Unleash token is "not ready" and says which token), the metric source.
 */
export function readinessChecks(deps: {
  store: Pick<Store, 'listRollouts'>;
  backends: ReadonlyMap<string, Pick<FlagBackend, 'readiness'>>;
  metricSource: Pick<MetricSource, 'isOnline'>;
  metricSourceType: string;
}): ReadinessCheck[] {
  const flagsOf = async (backend: string) =>
    (await deps.store.listRollouts()).map((s) => s.spec.flag).filter((f) => f.backend === backend);
  return [
    { name: 'store', check: async () => Array.isArray(await deps.store.listRollouts()) },
    ...[...deps.backends].map(([name, b]) => ({
      name: `flagBackend:${name}`,
      check: async () => b.readiness(await flagsOf(name)),
    })),
    { name: `metricSource:${deps.metricSourceType}`, check: () => deps.metricSource.isOnline() },
  ];
}
