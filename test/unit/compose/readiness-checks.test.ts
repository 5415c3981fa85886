import express from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { readinessChecks } from '../../../src/compose/readiness-checks.js';
import { healthRoutes } from '../../../src/http/routes/health-routes.js';
import type { TargetStatus } from '../../../src/metric-sources/create-metric-source.js';

function readyz(type: string, targets: TargetStatus[], online: boolean) {
  const checks = readinessChecks({
    store: { listRollouts: async () => [] },
    backends: new Map(),
    metricSource: { isOnline: async () => online, targets: () => targets },
    metricSourceType: type,
  });
  const app = express().use(healthRoutes({ registry: new Registry(), checks }));
  return request(app).get('/readyz');
}

const target = {
  name: 'login',
  url: 'http://127.0.0.1:9/metrics',
  health: 'down',
} as unknown as TargetStatus;

describe('/readyz and the metric source', () => {
  it('is ready with the default scrape source that has no targets, and says why in a note', async () => {
    const res = await readyz('scrape', [], false);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.checks).toEqual({ store: 'ok', 'metricSource:scrape': 'ok' });
    expect(res.body.notes['metricSource:scrape']).toMatch(/^no scrape targets configured: nothing to scrape/);
  });

  it('is not ready when a scrape source has targets and none answers', async () => {
    const res = await readyz('scrape', [target], false);
    expect(res.status).toBe(503);
    expect(res.body.checks['metricSource:scrape']).toBe('unreachable');
    expect(res.body.notes).toBeUndefined();
  });

  it('asks Prometheus whether it is online (targets play no part)', async () => {
    expect((await readyz('prometheus', [], false)).status).toBe(503);
    const up = await readyz('prometheus', [], true);
    expect(up.status).toBe(200);
    expect(up.body.notes).toBeUndefined();
  });
});
