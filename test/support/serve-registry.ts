import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** Serves a prom-client registry at http://127.0.0.1:PORT/metrics (0 = a free port) for a scraper. */
export async function serveRegistry(registry: Registry, port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
