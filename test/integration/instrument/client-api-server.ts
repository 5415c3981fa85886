import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { errorHandler } from '../../../src/http/error-handler.js';
import { createClientApiRouter } from '../../../src/http/routes/client-api.js';
import { InMemoryClientFeatureSource } from '../../support/in-memory-client-feature-source.js';

export const CLIENT_TOKEN = 'default:production.instrument-test-token';

/** rampart's Unleash-compatible client API on loopback, serving flags a test sets in memory. */
export async function startClientApi(): Promise<{
  source: InMemoryClientFeatureSource;
  /** `http://127.0.0.1:PORT/api/`, what unleash-client takes as `url`. */
  url: string;
  close(): Promise<void>;
}> {
  const source = new InMemoryClientFeatureSource();
  const app = express();
  app.use(createClientApiRouter({ source, tokens: [CLIENT_TOKEN], registry: new Registry() }));
  app.use(errorHandler(pino({ enabled: false })));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    source,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The staff-only scope of the flagship rollout, as rampart writes it on the flag. */
export const staffOnly = {
  contextName: 'accountType',
  operator: 'IN' as const,
  values: ['staff'],
  inverted: false,
  caseInsensitive: false,
};

/** Polls until `done` holds (the SDK picked up a change), or fails after `timeoutMs`. */
export async function waitFor(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
