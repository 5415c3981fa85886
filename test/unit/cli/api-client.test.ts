import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, RemoteError } from '../../../src/cli/api-client.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A loopback server that answers attempt n with `answer(n)`: a status and body, or 'reset'. */
async function serve(answer: (attempt: number) => [number, object] | 'reset') {
  const keys: (string | undefined)[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      keys.push(req.headers['idempotency-key'] as string | undefined);
      const a = answer(keys.length);
      if (a === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      res.writeHead(a[0], { 'Content-Type': 'application/json' }).end(JSON.stringify(a[1]));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const client = new ApiClient(`http://127.0.0.1:${address.port}`, 't', {
    maxAttempts: 4,
    initialDelayMs: 1,
    maxDelayMs: 5,
  });
  return { client, keys };
}

describe('ApiClient', () => {
  it('retries a keyed POST after connection resets with the same key, and returns the answer', async () => {
    const { client, keys } = await serve((n) => (n < 3 ? 'reset' : [202, { status: 'applied' }]));
    await expect(client.post('/api/x', { reason: 'r' }, 'key-1')).resolves.toEqual({ status: 'applied' });
    expect(keys).toEqual(['key-1', 'key-1', 'key-1']);
  });

  it('retries while the server says the first request is in progress or is unavailable', async () => {
    const busy: [number, object] = [409, { code: 'idempotency_in_progress', message: 'running' }];
    const { client, keys } = await serve((n) =>
      n === 1 ? busy : n === 2 ? [503, { code: 'store_error', message: 'x' }] : [202, { ok: true }],
    );
    await expect(client.post('/api/x', {}, 'key-2')).resolves.toEqual({ ok: true });
    expect(keys).toHaveLength(3);
  });

  it('gives up after the bounded number of attempts with a retryable error', async () => {
    const { client, keys } = await serve(() => 'reset');
    const error = await client.post('/api/x', {}, 'key-3').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ retryable: true });
    expect(keys).toEqual(['key-3', 'key-3', 'key-3', 'key-3']);
  });

  it('never retries without a key, nor a refusal', async () => {
    const reset = await serve(() => 'reset');
    await expect(reset.client.post('/api/x', {})).rejects.toMatchObject({ retryable: true });
    expect(reset.keys).toEqual([undefined]);
    server?.close();
    const conflict = await serve(() => [409, { code: 'conflict', message: 'cannot promote' }]);
    await expect(conflict.client.post('/api/x', {}, 'key-4')).rejects.toMatchObject({
      status: 409,
      message: 'cannot promote',
      retryable: false,
    });
    expect(conflict.keys).toHaveLength(1);
  });
});
