import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP proxy that loses answers: the requests reach the server, the answers do not. */
export interface LossyProxy {
  readonly port: number;
  /** Connections whose answer was cut so far. */
  readonly cut: number;
  close(): Promise<void>;
}

/**
 * Forwards connections to 127.0.0.1:`target`. The first `lose` connections are reset (RST) as soon
 * as the server starts to answer: the server has read and handled the request, the client sees
 * ECONNRESET, as when a connection drops just before the answer. Later connections pass through.
 */
export async function startLossyProxy(target: number, lose: number): Promise<LossyProxy> {
  let cut = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    connections += 1;
    const lossy = connections <= lose;
    const upstream = new (client.constructor as typeof Socket)();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    upstream.connect(target, '127.0.0.1');
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!lossy) {
        client.write(chunk);
        return;
      }
      if (!client.destroyed) cut += 1;
      client.resetAndDestroy();
      upstream.destroy();
    });
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('lossy proxy has no port');
  return {
    port: address.port,
    get cut() {
      return cut;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
