import express from 'express';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { clientFeatureSourceFromFlags } from '../../../src/flag-backends/client-feature-source.js';
import { errorHandler } from '../../../src/http/error-handler.js';
import { createClientApiRouter } from '../../../src/http/routes/client-api.js';
import { InMemoryClientFeatureSource } from '../../support/in-memory-client-feature-source.js';

const TOKEN = 'plain-client-token';
const DEV_TOKEN = 'default:development.0123456789abcdef';

function app(source: InMemoryClientFeatureSource, registry = new Registry()) {
  const a = express();
  a.use(createClientApiRouter({ source, tokens: [TOKEN, DEV_TOKEN], registry }));
  a.use(errorHandler(pino({ enabled: false })));
  return a;
}

async function counterValues(registry: Registry, name: string) {
  const metric = registry.getSingleMetric(name);
  return metric ? (await metric.get()).values : [];
}

describe('client API router', () => {
  let source: InMemoryClientFeatureSource;
  let registry: Registry;

  beforeEach(() => {
    source = new InMemoryClientFeatureSource();
    registry = new Registry();
    source.set({ name: 'mfa-staff-login', percentage: 25 });
    source.set({ name: 'other', enabled: false, percentage: 100, stickiness: 'sessionId', groupId: 'g' });
    source.set({ name: 'dev-only', environment: 'development', percentage: 5 });
  });

  it('answers 401 without a token or with an unknown one', async () => {
    const a = app(source, registry);
    expect((await request(a).get('/api/client/features')).status).toBe(401);
    const bad = await request(a).get('/api/client/features').set('Authorization', 'nope');
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ code: 'unauthorized', message: 'client token not accepted' });
    expect(source.snapshots).toBe(0);
    expect(await counterValues(registry, 'rampart_client_api_requests_total')).toEqual([
      expect.objectContaining({ labels: { endpoint: '/features', status: '401' }, value: 2 }),
    ]);
  });

  it('serves the v2 feature list with flexibleRollout strategies and string parameters', async () => {
    const res = await request(app(source)).get('/api/client/features').set('Authorization', TOKEN);
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
    expect(res.body.features).toEqual([
      {
        name: 'mfa-staff-login',
        type: 'release',
        enabled: true,
        project: 'default',
        stale: false,
        impressionData: false,
        strategies: [
          {
            name: 'flexibleRollout',
            constraints: [],
            parameters: { rollout: '25', stickiness: 'userId', groupId: 'mfa-staff-login' },
            variants: [],
          },
        ],
        variants: [],
      },
      expect.objectContaining({
        name: 'other',
        enabled: false,
        strategies: [
          expect.objectContaining({ parameters: { rollout: '100', stickiness: 'sessionId', groupId: 'g' } }),
        ],
      }),
    ]);
  });

  it('accepts a Bearer-prefixed token too', async () => {
    const res = await request(app(source))
      .get('/api/client/features')
      .set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
  });

  it('scopes an Unleash-format token to its environment', async () => {
    const res = await request(app(source)).get('/api/client/features').set('Authorization', DEV_TOKEN);
    expect(res.body.features.map((f: { name: string }) => f.name)).toEqual(['dev-only']);
  });

  it('filters by project and namePrefix as unleash-client asks', async () => {
    source.set({ name: 'mfa-other-project', project: 'security', percentage: 1 });
    const a = app(source);
    const byProject = await request(a)
      .get('/api/client/features?project=security')
      .set('Authorization', TOKEN);
    expect(byProject.body.features.map((f: { name: string }) => f.name)).toEqual(['mfa-other-project']);
    const byPrefix = await request(a).get('/api/client/features?namePrefix=mfa').set('Authorization', TOKEN);
    expect(byPrefix.body.features.map((f: { name: string }) => f.name)).toEqual([
      'mfa-staff-login',
      'mfa-other-project',
    ]);
  });

  it('answers 304 on a matching If-None-Match and 200 with a new ETag after a change', async () => {
    const a = app(source);
    const first = await request(a).get('/api/client/features').set('Authorization', TOKEN);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{8}:\d+"$/);
    const again = await request(a)
      .get('/api/client/features')
      .set('Authorization', TOKEN)
      .set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    source.set({ name: 'mfa-staff-login', percentage: 50 });
    const changed = await request(a)
      .get('/api/client/features')
      .set('Authorization', TOKEN)
      .set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.features[0].strategies[0].parameters.rollout).toBe('50');
  });

  it('gives different scopes different ETags for the same revision', async () => {
    const a = app(source);
    const prod = await request(a).get('/api/client/features').set('Authorization', TOKEN);
    const dev = await request(a).get('/api/client/features').set('Authorization', DEV_TOKEN);
    expect(prod.headers.etag).not.toBe(dev.headers.etag);
    const cross = await request(a)
      .get('/api/client/features')
      .set('Authorization', DEV_TOKEN)
      .set('If-None-Match', String(prod.headers.etag));
    expect(cross.status).toBe(200);
  });

  it('accepts register with 202 and counts it', async () => {
    const res = await request(app(source, registry))
      .post('/api/client/register')
      .set('Authorization', TOKEN)
      .send({
        appName: 'login',
        instanceId: 'i1',
        strategies: ['flexibleRollout'],
        started: new Date().toISOString(),
        interval: 1000,
      });
    expect(res.status).toBe(202);
    expect(await counterValues(registry, 'rampart_client_api_requests_total')).toEqual([
      expect.objectContaining({ labels: { endpoint: '/register', status: '202' }, value: 1 }),
    ]);
  });

  it('accepts metrics with 202 and counts the evaluations per flag', async () => {
    const res = await request(app(source, registry))
      .post('/api/client/metrics')
      .set('Authorization', TOKEN)
      .send({
        appName: 'login',
        instanceId: 'i1',
        bucket: {
          start: new Date().toISOString(),
          stop: new Date().toISOString(),
          toggles: { 'mfa-staff-login': { yes: 3, no: 9, variants: {} } },
        },
      });
    expect(res.status).toBe(202);
    const values = await counterValues(registry, 'rampart_client_flag_evaluations_total');
    expect(values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { flag: 'mfa-staff-login', enabled: 'true' }, value: 3 }),
        expect.objectContaining({ labels: { flag: 'mfa-staff-login', enabled: 'false' }, value: 9 }),
      ]),
    );
  });

  it('labels only flags it serves: 5,000 made-up names add no series, only one unlabelled count', async () => {
    const toggles: Record<string, { yes: number; no: number }> = {
      'mfa-staff-login': { yes: 1, no: 2 },
    };
    for (let i = 0; i < 5_000; i++) toggles[`made-up-${i}`] = { yes: 1, no: 1 };
    const res = await request(app(source, registry))
      .post('/api/client/metrics')
      .set('Authorization', TOKEN)
      .send({ appName: 'attacker', bucket: { toggles } });
    expect(res.status).toBe(202);
    const values = await counterValues(registry, 'rampart_client_flag_evaluations_total');
    expect(values.map((v) => `${v.labels.flag}/${v.labels.enabled}=${v.value}`).sort()).toEqual([
      'mfa-staff-login/false=2',
      'mfa-staff-login/true=1',
    ]);
    const unknown = await counterValues(registry, 'rampart_client_unknown_flag_evaluations_total');
    expect(unknown.map((v) => [v.labels, v.value])).toEqual(
      expect.arrayContaining([
        [{ enabled: 'true' }, 5_000],
        [{ enabled: 'false' }, 5_000],
      ]),
    );
  });

  it('serves the delta endpoint of unleash-client as one hydration event, with ETag and 304', async () => {
    const a = app(source, registry);
    const res = await request(a).get('/api/client/delta').set('Authorization', TOKEN);
    expect(res.status).toBe(200);
    expect(res.body.events).toHaveLength(1);
    expect(res.body.events[0]).toMatchObject({ type: 'hydration', segments: [] });
    expect(res.body.events[0].features.map((f: { name: string }) => f.name).sort()).toEqual([
      'mfa-staff-login',
      'other',
    ]);
    const again = await request(a)
      .get('/api/client/delta')
      .set('Authorization', TOKEN)
      .set('If-None-Match', res.headers.etag ?? '');
    expect(again.status).toBe(304);
  });

  it('answers 404, not 401, for a valid client token on a path it does not serve', async () => {
    const res = await request(app(source, registry)).get('/api/client/streaming').set('Authorization', TOKEN);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });

  it('rejects a metrics body without a bucket, naming the field', async () => {
    const res = await request(app(source))
      .post('/api/client/metrics')
      .set('Authorization', TOKEN)
      .send({ appName: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.issues[0].path).toBe('bucket');
  });

  it('can be created twice on one registry', () => {
    const r = new Registry();
    createClientApiRouter({ source, tokens: [TOKEN], registry: r });
    expect(() => createClientApiRouter({ source, tokens: [TOKEN], registry: r })).not.toThrow();
  });
});

describe('clientFeatureSourceFromFlags', () => {
  it('takes the revision from the rows it read', async () => {
    const row = (name: string, revision: number) => ({
      name,
      project: 'default',
      environment: 'production',
      enabled: true,
      percentage: 5,
      stickiness: 'userId',
      groupId: name,
      constraints: [],
      revision,
      updatedAt: new Date(0),
    });
    const source = clientFeatureSourceFromFlags({ list: async () => [row('a', 3), row('b', 7)] });
    const snapshot = await source.snapshot();
    expect(snapshot.revision).toBe('7');
    expect(snapshot.flags[1]).toEqual({
      name: 'b',
      project: 'default',
      environment: 'production',
      enabled: true,
      percentage: 5,
      stickiness: 'userId',
      groupId: 'b',
      constraints: [],
    });
  });
});
