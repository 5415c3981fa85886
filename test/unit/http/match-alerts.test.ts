import { describe, expect, it } from 'vitest';
import { alertmanagerPayloadSchema } from '../../../src/http/alertmanager/alertmanager-payload.js';
import { type AlertSubscriber, routeAlerts } from '../../../src/http/alertmanager/match-alerts.js';

const alert = (status: 'firing' | 'resolved', labels: Record<string, string>, fingerprint: string) => ({
  status,
  labels,
  annotations: {},
  startsAt: '2026-11-30T09:40:00Z',
  endsAt: '',
  generatorURL: '',
  fingerprint,
});

const subscribers: AlertSubscriber[] = [
  { rollout: 'mfa-staff', match: { rollout: 'mfa-staff' } },
  { rollout: 'checkout', match: { rollout: 'checkout', severity: 'page' } },
  { rollout: 'no-alerts', match: {} },
];

describe('routeAlerts', () => {
  it('turns each firing matching alert into one rollback per rollout, deduplicated by fingerprint', () => {
    const a = alert('firing', { alertname: 'LoginFailuresHigh', rollout: 'mfa-staff' }, 'f1');
    const routing = routeAlerts([a, a], subscribers);
    expect(routing.rollbacks.map((m) => [m.rollout, m.dedupeKey])).toEqual([
      ['mfa-staff', 'mfa-staff/f1/2026-11-30T09:40:00Z'],
    ]);
    expect(routing.unmatched).toEqual([]);
  });

  it('requires every matcher label and never matches an empty matcher', () => {
    const partial = alert('firing', { rollout: 'checkout', severity: 'ticket' }, 'f2');
    const other = alert('firing', { alertname: 'DiskFull' }, 'f3');
    const routing = routeAlerts([partial, other], subscribers);
    expect(routing.rollbacks).toEqual([]);
    expect(routing.unmatched.map((a) => a.fingerprint)).toEqual(['f2', 'f3']);
  });

  it('routes resolved alerts to audit only', () => {
    const routing = routeAlerts([alert('resolved', { rollout: 'mfa-staff' }, 'f1')], subscribers);
    expect(routing.rollbacks).toEqual([]);
    expect(routing.resolved.map((m) => m.rollout)).toEqual(['mfa-staff']);
  });
});

describe('alertmanagerPayloadSchema', () => {
  it('accepts a version 4 payload and rejects other versions', () => {
    const payload = {
      version: '4',
      groupKey: '{}:{rollout="mfa-staff"}',
      status: 'firing',
      receiver: 'rampart',
      alerts: [alert('firing', { rollout: 'mfa-staff' }, 'f1')],
    };
    expect(alertmanagerPayloadSchema.safeParse(payload).success).toBe(true);
    expect(alertmanagerPayloadSchema.safeParse({ ...payload, version: '3' }).success).toBe(false);
    expect(alertmanagerPayloadSchema.safeParse({ ...payload, alerts: [{ status: 'firing' }] }).success).toBe(
      false,
    );
  });
});
