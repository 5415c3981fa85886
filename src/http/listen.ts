import type { Server } from 'node:http';
import type { Express } from 'express';
import { answerClientError } from './client-error.js';

/**
 * Listens on host:port; a port in use becomes a message that says what to do. Requests Node
 * refuses itself (malformed, headers too large) get a JSON error body too (client-error.ts).
 */
export function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.on('clientError', answerClientError);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `port ${port} on ${host} is in use: stop what runs there or set listen.port / RAMPART_PORT`,
          ),
        );
      } else reject(error);
    });
  });
}
