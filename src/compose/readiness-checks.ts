import type { FlagBackend } from '../flag-backends/flag-backend.js';
import type { ReadinessCheck } from '../http/routes/health-routes.js';
import type { ManagedMetricSource } from '../metric-sources/create-metric-source.js';
import type { Store } from '../store/store.js';

/**
 * A scrape source with no targets has nothing to scrape, which is not an outage: the replica is
 * ready (the default configuration must not make an idle replica unroutable) and says so. Its
 * guardrails get no data, and no data holds a rollout, so nothing advances on it.
 */
const NO_TARGETS =
  'no scrape targets configured: nothing to scrape, so guardrails get no data and rollouts hold; ' +
  'list the services under metricSource.targets';

/**
 * What /readyz checks: the store, each flag backend on the flags of the rollouts it carries (an
 * authorised read, so a rejected Unleash token is "not ready" and says which token), the metric source.
 */
export function readinessChecks(deps: {
  store: Pick<Store, 'listRollouts'>;
  backends: ReadonlyMap<string, Pick<FlagBackend, 'readiness'>>;
  metricSource: Pick<ManagedMetricSource, 'isOnline' | 'targets'>;
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
    {
      name: `metricSource:${deps.metricSourceType}`,
      check: async () =>
        deps.metricSourceType === 'scrape' && deps.metricSource.targets().length === 0
          ? { ok: true, note: NO_TARGETS }
          : deps.metricSource.isOnline(),
    },
  ];
}
