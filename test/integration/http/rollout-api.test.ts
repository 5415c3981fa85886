import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, bearer, makeApiHarness, TOKENS } from '../../support/api-harness.js';
import { testSpec } from '../../support/controller-harness.js';

let h: ApiHarness;

beforeEach(async () => {
  h = await makeApiHarness();
  await h.step('mfa-staff'); // pending -> ramping at 1 %
});

describe('authentication and roles', () => {
  it('answers 401 without a token and with an unknown one, as JSON without a stack', async () => {
    const none = await request(h.app).get('/api/rollouts');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      code: 'unauthorized',
      message: 'missing bearer token: send "Authorization: Bearer <token>"',
    });
    const bad = await request(h.app).get('/api/rollouts').set(bearer('nope'));
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('unauthorized');
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts/);
  });

  it('answers 403 when the role may not do it', async () => {
    const viewer = await request(h.app)
      .post('/api/rollouts/mfa-staff/pause')
      .set(bearer(TOKENS.viewer))
      .send({ reason: 'x' });
    expect(viewer.status).toBe(403);
    expect(viewer.body.message).toBe('token "viewer-user" has role viewer; this needs operator or admin');
    const am = await request(h.app).get('/api/rollouts').set(bearer(TOKENS.alertmanager));
    expect(am.status).toBe(403);
    const opAlerts = await request(h.app)
      .post('/api/alerts/alertmanager')
      .set(bearer(TOKENS.operator))
      .send({});
    expect(opAlerts.status).toBe(403);
  });

  it('limits failed authentications per client with 429 and Retry-After, never a valid token', async () => {
    for (let i = 0; i < 20; i++)
      await request(h.app)
        .get('/api/rollouts')
        .set(bearer(`wrong-${i}`));
    const limited = await request(h.app).get('/api/rollouts').set(bearer('wrong-again'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await request(h.app).get('/api/rollouts').set(bearer(TOKENS.viewer))).status).toBe(200);
    h.clock.advance(61_000);
    expect((await request(h.app).get('/api/rollouts').set(bearer('wrong-later'))).status).toBe(401);
  });

  it('sets security headers and a request id', async () => {
    const res = await request(h.app).get('/healthz').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toBe('abc-123');
  });
});

describe('read API', () => {
  it('lists rollouts with phase and percentage', async () => {
    const res = await request(h.app).get('/api/rollouts').set(bearer(TOKENS.viewer));
    expect(res.status).toBe(200);
    expect(
      res.body.rollouts.map((r: { name: string; phase: string; percentage: number }) => [
        r.name,
        r.phase,
        r.percentage,
      ]),
    ).toEqual([
      ['checkout', 'pending', 0],
      ['mfa-staff', 'ramping', 1],
    ]);
  });

  it('shows one rollout with the flag read back, verdicts and the conditions of the next advance', async () => {
    h.tickLog.record('mfa-staff', await h.step('mfa-staff'), h.clock.now());
    const res = await request(h.app).get('/api/rollouts/mfa-staff').set(bearer(TOKENS.viewer));
    expect(res.status).toBe(200);
    expect(res.body.flagReadBack).toEqual({ enabled: true, percentage: 1, exists: true });
    expect(res.body.verdicts.map((v: { guardrail: string }) => v.guardrail)).toEqual([
      'login-success',
      'exposure-balance',
    ]);
    expect(res.body.nextStep.percentage).toBe(5);
    const bake = res.body.nextStep.conditions.find((c: { name: string }) => c.name === 'bake');
    expect(bake).toEqual({ name: 'bake', met: false, detail: '50 s of bake left' });
  });

  it('reports a flag that cannot be read instead of failing the request', async () => {
    h.apiBackend.failReads = true;
    const res = await request(h.app).get('/api/rollouts/mfa-staff').set(bearer(TOKENS.viewer));
    expect(res.status).toBe(200);
    expect(res.body.flagReadBack.error).toBeTruthy();
  });

  it('answers 404 for an unknown rollout', async () => {
    const res = await request(h.app).get('/api/rollouts/nope').set(bearer(TOKENS.viewer));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'not_found', message: 'no rollout named nope' });
  });

  it('pages the audit log by cursor', async () => {
    const first = await request(h.app)
      .get('/api/rollouts/mfa-staff/audit?limit=1')
      .set(bearer(TOKENS.viewer));
    expect(first.status).toBe(200);
    expect(first.body.entries.map((e: { action: string }) => e.action)).toEqual(['created']);
    const second = await request(h.app)
      .get(`/api/rollouts/mfa-staff/audit?limit=10&cursor=${first.body.nextCursor}`)
      .set(bearer(TOKENS.viewer));
    expect(second.body.entries.map((e: { action: string }) => e.action)).toEqual(['started']);
    expect(second.body.nextCursor).toBeNull();
    const bad = await request(h.app).get('/api/rollouts/mfa-staff/audit?limit=0').set(bearer(TOKENS.viewer));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
  });
});

describe('commands', () => {
  it('applies pause and resume at once, audited with the token name as actor', async () => {
    const paused = await request(h.app)
      .post('/api/rollouts/mfa-staff/pause')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'investigating support tickets' });
    expect(paused.status).toBe(202);
    expect(paused.body).toMatchObject({
      command: 'pause',
      status: 'applied',
      phase: 'paused',
      percentage: 1,
    });
    const resumed = await request(h.app)
      .post('/api/rollouts/mfa-staff/resume')
      .set(bearer(TOKENS.admin))
      .send({ reason: 'tickets unrelated' });
    expect(resumed.body.phase).toBe('ramping');
    const audit = await h.store.readAudit({ rollout: 'mfa-staff' });
    expect(
      audit.filter((e) => e.action === 'paused' || e.action === 'resumed').map((e) => [e.action, e.actor]),
    ).toEqual([
      ['paused', 'operator-user'],
      ['resumed', 'admin-user'],
    ]);
  });

  it('starts a pending rollout on command; nothing is written to the flag before', async () => {
    const manual = testSpec({
      name: 'manual',
      flag: { backend: 'embedded', name: 'manual-flag' },
      start: 'manual',
    });
    await h.controller.register(manual);
    await h.step('manual');
    expect(await h.embedded.read(manual.flag)).toMatchObject({ exists: false });
    const listed = await request(h.app).get('/api/rollouts/manual').set(bearer(TOKENS.viewer));
    expect(listed.body).toMatchObject({ phase: 'pending', start: 'waits for rampart start' });
    const started = await request(h.app)
      .post('/api/rollouts/manual/start')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'change window opened' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      command: 'start',
      status: 'applied',
      phase: 'ramping',
      percentage: 1,
    });
    expect(await h.embedded.read(manual.flag)).toMatchObject({ enabled: true, percentage: 1 });
    const again = await request(h.app)
      .post('/api/rollouts/manual/start')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'twice' });
    expect(again.status).toBe(409);
    const viewer = await request(h.app)
      .post('/api/rollouts/manual/start')
      .set(bearer(TOKENS.viewer))
      .send({ reason: 'not mine to start' });
    expect(viewer.status).toBe(403);
  });

  it('rolls back on command and latches', async () => {
    const res = await request(h.app)
      .post('/api/rollouts/mfa-staff/rollback')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'users report lockouts' });
    expect(res.body).toMatchObject({ status: 'applied', phase: 'rolled_back', percentage: 0 });
    expect((await h.embedded.read((await h.controller.status('mfa-staff')).spec.flag)).enabled).toBe(false);
  });

  it('promotes to the next step, or to 100 % with full', async () => {
    const next = await request(h.app)
      .post('/api/rollouts/mfa-staff/promote')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'looks fine' });
    expect(next.body).toMatchObject({ phase: 'ramping', percentage: 5 });
    const full = await request(h.app)
      .post('/api/rollouts/mfa-staff/promote')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'ship it', full: true });
    expect(full.body.percentage).toBe(100);
  });

  it('answers 409 for a command the phase does not allow, and 404 for an unknown rollout', async () => {
    const approve = await request(h.app)
      .post('/api/rollouts/mfa-staff/approve')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'x' });
    expect(approve.status).toBe(409);
    expect(approve.body).toEqual({
      code: 'conflict',
      message: 'cannot approve rollout mfa-staff in phase ramping (valid in: awaiting_approval)',
    });
    const unknown = await request(h.app)
      .post('/api/rollouts/nope/pause')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'x' });
    expect(unknown.status).toBe(404);
  });

  it('refuses bad bodies with 400, non-JSON with 415 and huge bodies with 413', async () => {
    const noReason = await request(h.app)
      .post('/api/rollouts/mfa-staff/pause')
      .set(bearer(TOKENS.operator))
      .send({});
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues[0].path).toBe('reason');
    const extra = await request(h.app)
      .post('/api/rollouts/mfa-staff/pause')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'x', force: true });
    expect(extra.status).toBe(400);
    const fullOnPause = await request(h.app)
      .post('/api/rollouts/mfa-staff/pause')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'x', full: true });
    expect(fullOnPause.body.message).toContain('only promote takes "full"');
    const malformed = await request(h.app)
      .post('/api/rollouts/mfa-staff/pause')
      .set(bearer(TOKENS.operator))
      .set('Content-Type', 'application/json')
      .send('{"reason": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('bad_request');
    const text = await request(h.app)
      .post('/api/rollouts/mfa-staff/pause')
      .set(bearer(TOKENS.operator))
      .set('Content-Type', 'text/plain')
      .send('pause please');
    expect(text.status).toBe(415);
    const huge = await request(h.app)
      .post('/api/rollouts/mfa-staff/pause')
      .set(bearer(TOKENS.operator))
      .send({ reason: 'x'.repeat(300_000) });
    expect(huge.status).toBe(413);
    expect((await h.controller.status('mfa-staff')).phase).toBe('ramping');
  });
});

describe('health, metrics and OpenAPI', () => {
  it('serves healthz, readyz with each dependency, metrics and the OpenAPI document', async () => {
    expect((await request(h.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(h.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ store: 'ok', flags: 'ok' });
    h.apiBackend.offline = true;
    const notReady = await request(h.app).get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.flags).toBe('switched off by the test');
    const metrics = await request(h.app).get('/metrics');
    expect(metrics.text).toContain('rampart_build_info');
    const openapi = await request(h.app).get('/api/openapi.json');
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths)).toContain('/api/rollouts/{name}/rollback');
  });
});

describe('request logs', () => {
  it('logs each command with its request id, status and actor, and never the token', async () => {
    await request(h.app)
      .post('/api/rollouts/mfa-staff/pause')
      .set(bearer(TOKENS.operator))
      .set('X-Request-Id', 'req-42')
      .send({ reason: 'x' });
    const line = h.logLines.map((l) => JSON.parse(l)).find((l) => l.requestId === 'req-42');
    expect(line).toMatchObject({ msg: 'request', method: 'POST', status: 202, actor: 'operator-user' });
    expect(h.logLines.join('')).not.toContain(TOKENS.operator);
  });
});
