import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpUnleashAdminApi } from '../../../src/flag-backends/unleash/http-unleash-admin-api.js';

/** A scripted loopback HTTP server: each request gets the next handler (the last one repeats). */
async function scripted(handlers: ((req: IncomingMessage, res: ServerResponse) => void)[]) {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} auth=${req.headers.authorization === 'tok' ? 'ok' : 'missing'}`);
    const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)];
    handler?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, seen, url: `http://127.0.0.1:${port}` };
}

const status =
  (code: number, body: unknown = { message: `status ${code}` }) =>
  (_: IncomingMessage, res: ServerResponse) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
const feature = {
  name: 'f',
  project: 'default',
  environments: [{ name: 'production', enabled: true, strategies: [] }],
};

let current: Server | undefined;
afterEach(async () => {
  current?.closeAllConnections();
  await new Promise((resolve) => current?.close(resolve));
  current = undefined;
});

function api(url: string, timeoutMs = 2000) {
  return new HttpUnleashAdminApi({
    url,
    token: 'tok',
    tokenSource: 'adminTokenEnv: TEST_TOKEN',
    timeoutMs,
    maxAttempts: 3,
    initialDelayMs: 10,
    maxDelayMs: 40,
  });
}

describe('HttpUnleashAdminApi', () => {
  it('retries an idempotent read after 5xx and succeeds', async () => {
    const s = await scripted([status(503), status(502), status(200, feature)]);
    current = s.server;
    expect(await api(s.url).getFeature('default', 'f')).toEqual({
      name: 'f',
      project: 'default',
      environments: [{ name: 'production', enabled: true, strategies: [] }],
    });
    expect(s.seen).toEqual(Array(3).fill('GET /api/admin/projects/default/features/f auth=ok'));
  });

  it('gives up after maxAttempts with a typed 5xx error', async () => {
    const s = await scripted([status(500)]);
    current = s.server;
    await expect(api(s.url).getFeature('default', 'f')).rejects.toMatchObject({
      name: 'UnleashError',
      code: 'unleash_server_error',
    });
    expect(s.seen).toHaveLength(3);
  });

  it('does not retry a non-idempotent strategy creation', async () => {
    const s = await scripted([status(503)]);
    current = s.server;
    const ref = { project: 'default', feature: 'f', environment: 'production' };
    const strategy = {
      name: 'flexibleRollout',
      title: 't',
      parameters: {},
      constraints: [],
      segments: [],
      disabled: false,
    };
    await expect(api(s.url).addStrategy(ref, strategy)).rejects.toMatchObject({
      name: 'UnleashError',
      code: 'unleash_server_error',
    });
    expect(s.seen).toHaveLength(1);
  });

  it('maps 409 on create to a conflict, not retried', async () => {
    const s = await scripted([status(409, { message: 'A flag with that name already exists' })]);
    current = s.server;
    await expect(api(s.url).createFeature('default', 'f')).rejects.toMatchObject({
      name: 'UnleashError',
      code: 'unleash_conflict',
    });
    expect(s.seen).toEqual(['POST /api/admin/projects/default/features auth=ok']);
  });

  it('times out a server that never answers', async () => {
    const s = await scripted([() => {}]);
    current = s.server;
    await expect(api(s.url, 150).getFeature('default', 'f')).rejects.toMatchObject({
      name: 'UnleashError',
      code: 'unleash_timeout',
    });
    expect(s.seen).toHaveLength(3);
  });

  it('refuses a 2xx body that is not an Unleash feature', async () => {
    const s = await scripted([status(200, { hello: 'world' })]);
    current = s.server;
    await expect(api(s.url).getFeature('default', 'f')).rejects.toMatchObject({
      name: 'UnleashError',
      code: 'unleash_bad_response',
    });
  });

  it('encodes names into the path', async () => {
    const s = await scripted([status(200, feature)]);
    current = s.server;
    await api(`${s.url}/`).getFeature('my project', 'a/b');
    expect(s.seen).toEqual(['GET /api/admin/projects/my%20project/features/a%2Fb auth=ok']);
  });
});
