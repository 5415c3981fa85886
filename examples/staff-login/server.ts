import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { startUnleash } from 'unleash-client';
import { BUGS, type Bug, createStaffLogin } from './staff-login.js';

// Configuration from the environment (README.md of this folder). Secrets never go to the log.
const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (see examples/staff-login/README.md)`);
  return value;
};
const bugs = (env.BUGS ?? '').split(',').filter((b) => b !== '');
for (const bug of bugs)
  if (!(BUGS as readonly string[]).includes(bug))
    throw new Error(`BUGS: unknown bug ${bug}; valid: ${BUGS.join(', ')}`);

const unleash = await startUnleash({
  appName: 'staff-login',
  url: required('UNLEASH_URL'),
  customHeaders: { Authorization: required('UNLEASH_TOKEN') },
  refreshInterval: Number(env.UNLEASH_REFRESH_MS ?? 1000),
  disableMetrics: true,
  skipInstanceCountWarning: true,
});
const registry = new Registry();
const service = createStaffLogin({
  unleash,
  registry,
  flag: env.FLAG ?? 'staff-mfa',
  bugs: bugs as Bug[],
  adminToken: env.ADMIN_TOKEN,
});
const server = service.app.listen(Number(env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  // One JSON line, so scripts and tests can read the address.
  console.log(JSON.stringify({ msg: 'staff-login listening', url: `http://127.0.0.1:${port}` }));
});
const stop = () => {
  service.close();
  unleash.destroy();
  server.close();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
