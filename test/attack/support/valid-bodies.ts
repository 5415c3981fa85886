import type { Operation } from './openapi-operations.js';

/** An Alertmanager v4 post with one alert for `rollout` (labels matched by its `alerts.match`). */
export function alertPost(rollout: string, fingerprint: string, status: 'firing' | 'resolved' = 'firing') {
  return {
    version: '4',
    groupKey: `{}:{rollout="${rollout}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'rampart',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: [
      {
        status,
        labels: { alertname: 'LoginFailuresHigh', rollout },
        annotations: { summary: 'login failures above 10 %' },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://127.0.0.1:9090/graph',
        fingerprint,
      },
    ],
  };
}

/**
 * A body the route would act on for an allowed caller, so the role matrix tries a request that
 * would change state. An unknown POST route gets `{}`, and the matrix still runs on it.
 */
export function validBody(op: Operation, rollout: string): unknown {
  if (op.method !== 'POST') return undefined;
  if (op.template.startsWith('/api/rollouts/')) return { reason: 'attack suite' };
  if (op.template === '/api/alerts/alertmanager') return alertPost(rollout, `fp-${Date.now()}`);
  if (op.template === '/api/client/register') return { appName: 'attack' };
  if (op.template === '/api/client/metrics') {
    return { appName: 'attack', bucket: { toggles: { [`${rollout}-flag`]: { yes: 1, no: 1 } } } };
  }
  return {};
}
