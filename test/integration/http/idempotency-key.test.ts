import { once } from 'node:events';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiHarness, bearer, makeApiHarness, TOKENS } from '../../support/api-harness.js';
import { startLossyProxy } from '../../support/lossy-proxy.js';

let h: ApiHarness;
let server: Server | undefined;

beforeEach(async () => {
  h = await makeApiHarness();
  await h.step('mfa-staff'); // pending -> ramping at 1 %
});

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

const command = (kind: string, key: string | undefined, body: object, token: string = TOKENS.operator) => {
  const req = request(h.app).post(`/api/rollouts/mfa-staff/${kind}`).set(bearer(token));
  return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
};

async function promotions(): Promise<number> {
  return (await h.store.readAudit({ rollout: 'mfa-staff' })).filter((e) => e.action === 'promoted').length;
}

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer and applies the command once', async () => {
    const first = await command('promote', 'k-1', { reason: 'looks good' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'applied', percentage: 5 });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retry = await command('promote', 'k-1', { reason: 'looks good' });
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await promotions()).toBe(1);
    expect((await h.controller.status('mfa-staff')).percentage).toBe(5);
    // Without a key every request is its own.
    await command('promote', undefined, { reason: 'again' });
    expect((await h.controller.status('mfa-staff')).percentage).toBe(25);
  });

  it('refuses the same key with another body (422), and scopes keys by principal and route', async () => {
    await command('promote', 'k-2', { reason: 'looks good' });
    const other = await command('promote', 'k-2', { reason: 'looks better', full: true });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });
    expect(other.body.message).toMatch(/another body; send a new key per request/);
    // The same body with its keys in another order is the same request.
    const reordered = await request(h.app)
      .post('/api/rollouts/mfa-staff/promote')
      .set(bearer(TOKENS.operator))
      .set('Idempotency-Key', 'k-3')
      .type('json')
      .send('{"full":false,"reason":"x"}');
    const same = await request(h.app)
      .post('/api/rollouts/mfa-staff/promote')
      .set(bearer(TOKENS.operator))
      .set('Idempotency-Key', 'k-3')
      .type('json')
      .send('{"reason":"x","full":false}');
    expect(same.body).toEqual(reordered.body);
    expect(await promotions()).toBe(2);
    // Another principal, or another route, with the same key is another request.
    expect(
      (await command('promote', 'k-3', { reason: 'x', full: false }, TOKENS.admin)).body.percentage,
    ).toBe(50);
    expect((await command('pause', 'k-3', { reason: 'x' })).body).toMatchObject({
      status: 'applied',
      phase: 'paused',
    });
    expect(await promotions()).toBe(3);
  });

  it('replays a refusal as it was, and does not keep auth refusals', async () => {
    const refused = await command('approve', 'k-4', { reason: 'ok' });
    expect(refused.status).toBe(409);
    const again = await command('approve', 'k-4', { reason: 'ok' });
    expect([again.status, again.body]).toEqual([409, refused.body]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    // A viewer's 403 is not the request's outcome: the same key from an operator runs.
    const viewer = await command('pause', 'k-5', { reason: 'x' }, TOKENS.viewer);
    expect(viewer.status).toBe(403);
    expect((await command('pause', 'k-5', { reason: 'x' })).body.phase).toBe('paused');
  });

  it('is declared on every POST route of the OpenAPI document, with its 409 and 422', async () => {
    const doc = (await request(h.app).get('/api/openapi.json')).body as {
      paths: Record<string, { post?: { parameters?: { name: string; in: string }[]; responses: object } }>;
    };
    // The Unleash-compatible client API (SDK registrations and metrics) changes no rollout and is
    // mounted before the middleware; every other POST is a command or an alert.
    const posts = Object.entries(doc.paths).flatMap(([path, item]) =>
      item.post && !path.startsWith('/api/client/') ? [[path, item.post] as const] : [],
    );
    expect(posts.length).toBeGreaterThanOrEqual(7);
    for (const [path, post] of posts) {
      expect(post.parameters, path).toContainEqual(
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }),
      );
      expect(Object.keys(post.responses), path).toEqual(expect.arrayContaining(['409', '422']));
    }
  });

  it('refuses a malformed key with 400 and applies nothing', async () => {
    for (const key of ['has space', 'x'.repeat(256), 'é']) {
      const res = await command('promote', key, { reason: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/Idempotency-Key header/);
    }
    expect(await promotions()).toBe(0);
  });

  it('after a crash between applying and answering, a retry finds the command instead of applying again', async () => {
    const first = await command('promote', 'k-6', { reason: 'go' });
    // As if the process died before the answer was stored: the record is in flight, the command applied.
    await h.store.db
      .updateTable('idempotency_keys')
      .set({ status: null, body: null, completed_at: null })
      .execute();
    h.restartApp();
    const retry = await command('promote', 'k-6', { reason: 'go' });
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ id: first.body.id, status: 'applied', percentage: 5 });
    expect(await promotions()).toBe(1);
    // The answer of the retry is now the stored one.
    expect((await command('promote', 'k-6', { reason: 'go' })).headers['idempotent-replayed']).toBe('true');
  });

  it('keeps answers for the retention period only', async () => {
    await command('promote', 'k-7', { reason: 'go' });
    h.clock.advance(23 * 3600_000);
    expect((await command('promote', 'k-7', { reason: 'go' })).headers['idempotent-replayed']).toBe('true');
    h.clock.advance(2 * 3600_000);
    await command('promote', 'k-other', { reason: 'prunes' });
    expect(await h.store.db.selectFrom('idempotency_keys').select('key').execute()).toEqual([
      { key: 'k-other' },
    ]);
  });

  it('a request whose connection is cut before the answer is applied once; the retry gets its answer', async () => {
    server = h.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const proxy = await startLossyProxy(address.port, 1);
    try {
      const send = () =>
        fetch(`http://127.0.0.1:${proxy.port}/api/rollouts/mfa-staff/promote`, {
          method: 'POST',
          headers: {
            ...bearer(TOKENS.operator),
            'Content-Type': 'application/json',
            'Idempotency-Key': 'k-cut',
          },
          body: JSON.stringify({ reason: 'cut' }),
        });
      await expect(send()).rejects.toThrow();
      expect(proxy.cut).toBe(1);
      expect(await promotions()).toBe(1); // the server applied it; only the answer was lost
      const retry = await send();
      expect(retry.status).toBe(202);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await retry.json()).toMatchObject({ status: 'applied', percentage: 5 });
      expect(await promotions()).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('answers a retry of a request still running with 409 and Retry-After, never a second command', async () => {
    // Hold the first promote inside its flag write until the retry has been answered.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const write = h.backend.setPercentage.bind(h.backend);
    h.backend.setPercentage = async (...args) => {
      await gate;
      return write(...args);
    };
    const first = command('promote', 'k-8', { reason: 'same' }).then((r) => r); // sent now
    while ((await promotions()) === 0) await new Promise((r) => setTimeout(r, 5));
    const busy = await command('promote', 'k-8', { reason: 'same' });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('idempotency_in_progress');
    expect(busy.headers['retry-after']).toBe('1');
    release();
    expect((await first).body).toMatchObject({ status: 'applied', percentage: 5 });
    const retry = await command('promote', 'k-8', { reason: 'same' });
    expect(retry.body).toEqual((await first).body);
    expect(await promotions()).toBe(1);
  });
});
