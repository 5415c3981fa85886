import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { errorHandler } from '../../src/http/error-handler.js';
import { type ClientApiDeps, createClientApiRouter } from '../../src/http/routes/client-api.js';

export interface ServedClientApi {
  /** `http://127.0.0.1:PORT/api/`, what unleash-client takes as `url`. */
  readonly url: string;
  /** Drops open connections (SDK streams would hold close() open), then closes the server. */
  close(): Promise<void>;
}

/** rampart's Unleash-compatible client API alone on a free loopback port, with its error handler. */
export async function serveClientApi(deps: ClientApiDeps): Promise<ServedClientApi> {
  const app = express();
  app.use(createClientApiRouter(deps));
  app.use(errorHandler(pino({ enabled: false })));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
