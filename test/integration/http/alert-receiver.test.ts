import fc from 'fast-check';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, bearer, makeApiHarness, TOKENS } from '../../support/api-harness.js';

let h: ApiHarness;

beforeEach(async () => {
  h = await makeApiHarness();
  await h.step('mfa-staff');
  await h.step('checkout');
});

const alert = (status: 'firing' | 'resolved', labels: Record<string, string>, fingerprint = 'fp1') => ({
  status,
  labels,
  annotations: { summary: 'login failures above 10 %' },
  startsAt: '2026-11-30T09:40:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://127.0.0.1:9090/graph',
  fingerprint,
});

const payload = (alerts: ReturnType<typeof alert>[]) => ({
  version: '4',
  groupKey: '{}:{rollout="mfa-staff"}',
  truncatedAlerts: 0,
  status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
  receiver: 'rampart',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://127.0.0.1:9093',
  alerts,
});

const post = (body: unknown, token: string = TOKENS.alertmanager) =>
  request(h.app)
    .post('/api/alerts/alertmanager')
    .set(bearer(token))
    .send(body as object);

describe('Alertmanager receiver', () => {
  it('rolls back the matching rollout at once, and only that one', async () => {
    const res = await post(
      payload([alert('firing', { alertname: 'LoginFailuresHigh', rollout: 'mfa-staff' })]),
    );
    expect(res.status).toBe(202);
    expect(res.body.rollbacks).toEqual([
      expect.objectContaining({ rollout: 'mfa-staff', fingerprint: 'fp1', status: 'applied' }),
    ]);
    expect((await h.controller.status('mfa-staff')).phase).toBe('rolled_back');
    expect((await h.controller.status('checkout')).phase).toBe('ramping');
    const rollback = (await h.store.readAudit({ rollout: 'mfa-staff' })).find(
      (e) => e.action === 'rolled_back',
    );
    expect(rollback?.actor).toBe('alertmanager:alertmanager-user');
    expect(rollback?.reason).toContain('LoginFailuresHigh firing: login failures above 10 %');
  });

  it('acts once on a re-sent firing alert and counts duplicates', async () => {
    const body = payload([alert('firing', { rollout: 'mfa-staff' })]);
    await post(body);
    const again = await post(body);
    expect(again.body).toMatchObject({ rollbacks: [], duplicates: 1 });
    const rollbacks = (await h.store.readAudit({ rollout: 'mfa-staff' })).filter(
      (e) => e.action === 'rolled_back',
    );
    expect(rollbacks).toHaveLength(1);
  });

  it('audits a resolved alert whose firing was acted on, and counts alerts that match no rollout', async () => {
    await post(payload([alert('firing', { rollout: 'mfa-staff' })]));
    const res = await post(
      payload([
        alert('resolved', { rollout: 'mfa-staff' }),
        alert('firing', { alertname: 'DiskFull' }, 'fp9'),
      ]),
    );
    expect(res.body).toMatchObject({ rollbacks: [], resolved: 1, resolvedAudited: 1, unmatched: 1 });
    expect((await h.controller.status('mfa-staff')).phase).toBe('rolled_back');
    const actions = (await h.store.readAudit({ rollout: 'mfa-staff' })).map((e) => e.action);
    expect(actions.filter((a) => a === 'alert_resolved')).toHaveLength(1);
    const metrics = await h.registry.metrics();
    expect(metrics).toContain('rampart_alerts_received_total{status="firing",matched="false"} 1');
    expect(metrics).toContain('rampart_alerts_received_total{status="resolved",matched="true"} 1');
  });

  it('after a restart, a re-sent firing alert does not roll back a rollout an operator resumed', async () => {
    const body = payload([alert('firing', { alertname: 'LoginFailuresHigh', rollout: 'mfa-staff' })]);
    await post(body);
    expect((await h.controller.status('mfa-staff')).phase).toBe('rolled_back');
    await h.step('mfa-staff');
    const resumed = await request(h.app)
      .post('/api/rollouts/mfa-staff/resume')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'false alarm: the alert rule was wrong' });
    expect(resumed.body).toMatchObject({ status: 'applied', phase: 'ramping' });
    h.restartApp();
    // Alertmanager re-sends the same alert (same fingerprint and startsAt) every repeat_interval.
    const again = await post(body);
    expect(again.body).toMatchObject({ rollbacks: [], duplicates: 1 });
    expect((await h.controller.status('mfa-staff')).phase).toBe('ramping');
    // A new firing of the same alert (a new startsAt) still rolls back.
    const refired = payload([
      { ...alert('firing', { rollout: 'mfa-staff' }), startsAt: '2026-11-30T10:10:00Z' },
    ]);
    expect((await post(refired)).body.rollbacks).toHaveLength(1);
    expect((await h.controller.status('mfa-staff')).phase).toBe('rolled_back');
  });

  it('11 posts of 1,000 resolved alerts audit only the firings acted on, once each', async () => {
    await post(payload([alert('firing', { rollout: 'mfa-staff' }, 'acted')]));
    const before = (await h.store.readAudit()).length;
    const resolved = Array.from({ length: 999 }, (_, i) =>
      alert('resolved', { rollout: 'mfa-staff' }, `never-fired-${i}`),
    );
    for (let i = 0; i < 11; i++) {
      const res = await post(payload([...resolved, alert('resolved', { rollout: 'mfa-staff' }, 'acted')]));
      expect(res.body).toMatchObject({ resolved: 1000, resolvedAudited: i === 0 ? 1 : 0 });
    }
    const added = (await h.store.readAudit()).slice(before);
    expect(added.map((e) => [e.action, (e.evidence as { fingerprint: string }).fingerprint])).toEqual([
      ['alert_resolved', 'acted'],
    ]);
  });

  it('rejects other payload versions with 400 and does not act', async () => {
    const res = await post({ ...payload([alert('firing', { rollout: 'mfa-staff' })]), version: '3' });
    expect(res.status).toBe(400);
    expect((await h.controller.status('mfa-staff')).phase).toBe('ramping');
  });

  it('fuzz: malformed or unauthenticated requests never answer 500 and never roll back', async () => {
    const labels = fc.dictionary(fc.constantFrom('rollout', 'alertname', 'severity', 'x'), fc.string(), {
      maxKeys: 3,
    });
    const almostAlert = fc.record(
      {
        status: fc.oneof(fc.constantFrom('firing', 'resolved'), fc.string()),
        labels: fc.oneof(labels, fc.anything()),
        startsAt: fc.oneof(fc.string(), fc.integer()),
        fingerprint: fc.oneof(fc.string(), fc.constant(undefined)),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.anything(),
      fc.record(
        { version: fc.constantFrom('4', 4, '3'), alerts: fc.array(almostAlert, { maxLength: 3 }) },
        { requiredKeys: [] },
      ),
    );
    const token = fc.constantFrom(undefined, 'wrong', TOKENS.viewer, TOKENS.operator);
    await fc.assert(
      fc.asyncProperty(body, token, async (b, t) => {
        h.clock.advance(61_000); // keep the failed-auth limiter out of the way
        const req = request(h.app).post('/api/alerts/alertmanager');
        if (t) req.set(bearer(t));
        const res = await req.set('Content-Type', 'application/json').send(JSON.stringify(b) ?? 'null');
        expect(res.status).toBeLessThan(500);
        expect((await h.controller.status('mfa-staff')).phase).toBe('ramping');
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it('fuzz: command bodies never answer 500 and unauthenticated ones never act', async () => {
    const kinds = fc.constantFrom('pause', 'resume', 'approve', 'promote', 'rollback');
    await fc.assert(
      fc.asyncProperty(kinds, fc.anything(), async (kind, b) => {
        h.clock.advance(61_000);
        const res = await request(h.app)
          .post(`/api/rollouts/mfa-staff/${kind}`)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(b) ?? 'null');
        expect(res.status).toBe(401);
        const authed = await request(h.app)
          .post(`/api/rollouts/mfa-staff/${kind}`)
          .set(bearer(TOKENS.operator))
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(b) ?? 'null');
        expect(authed.status).toBeLessThan(500);
        if (authed.status !== 202) expect((await h.controller.status('mfa-staff')).phase).toBe('ramping');
        else
          await h.scheduler
            .applyNow({ rollout: 'mfa-staff', kind: 'resume', actor: 't', reason: 'reset' })
            .catch(() => undefined);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
