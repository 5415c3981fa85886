import { Registry } from 'prom-client';
import { InMemoryClientFeatureSource } from '../../support/in-memory-client-feature-source.js';
import { serveClientApi } from '../../support/serve-client-api.js';

export const CLIENT_TOKEN = 'default:production.instrument-test-token';

/** rampart's Unleash-compatible client API on loopback, serving flags a test sets in memory. */
export async function startClientApi(): Promise<{
  source: InMemoryClientFeatureSource;
  /** `http://127.0.0.1:PORT/api/`, what unleash-client takes as `url`. */
  url: string;
  close(): Promise<void>;
}> {
  const source = new InMemoryClientFeatureSource();
  const api = await serveClientApi({ source, tokens: [CLIENT_TOKEN], registry: new Registry() });
  return { source, url: api.url, close: api.close };
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
