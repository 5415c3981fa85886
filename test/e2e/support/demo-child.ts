// The demo as its own process: the MFA login service reading its flag from Unleash through the
// unmodified unleash-client SDK, and the traffic generator logging staff in over HTTP.
// Settings come from E2E_DEMO (JSON); prints {"ready":true,"port":N} once both run; SIGTERM stops.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { startLoginService } from '../../../src/demo/login-service/start-login-service.js';
import { startUnleashMfaPolicy } from '../../../src/demo/login-service/unleash-mfa-policy.js';
import { HttpLoginApi } from '../../../src/demo/traffic/http-login-api.js';
import { TrafficGenerator } from '../../../src/demo/traffic/traffic-generator.js';
import { createSystemTicker } from '../../../src/time/system-ticker.js';

interface DemoSettings {
  /** Unleash client API, e.g. http://127.0.0.1:4242/api */
  unleashApiUrl: string;
  clientToken: string;
  flagName: string;
  adminToken: string;
  users: number;
  ratePerSecond: number;
  seed: number;
}

const settings = JSON.parse(process.env.E2E_DEMO ?? '') as DemoSettings;
const logger = pino({ level: 'warn' }, pino.destination(2));

const policy = await startUnleashMfaPolicy({
  url: settings.unleashApiUrl,
  clientToken: settings.clientToken,
  flagName: settings.flagName,
  refreshIntervalMs: 500,
  readyTimeoutMs: 30_000,
  onError: (err) => logger.warn({ err: err.message }, 'unleash-client error'),
});
const service = await startLoginService({
  port: 0,
  policy,
  registry: new Registry(),
  users: settings.users,
  adminToken: settings.adminToken,
  logger,
});
const traffic = new TrafficGenerator({
  api: new HttpLoginApi({ baseUrl: service.url, timeoutMs: 10_000 }),
  // Timers keep this process alive: nothing else would once the server is the only handle.
  ticker: createSystemTicker({ unref: false }),
  ratePerSecond: settings.ratePerSecond,
  users: settings.users,
  seed: settings.seed,
  maxConcurrent: 64,
});
traffic.start();
process.stdout.write(`${JSON.stringify({ ready: true, port: service.port })}\n`);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await traffic.stop();
    await service.stop();
    process.stderr.write(`demo stopped: ${JSON.stringify(traffic.summary())}\n`);
    process.exit(0);
  })();
});
