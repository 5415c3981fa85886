import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../support/free-port.js';
import { serveRegistry } from '../support/serve-registry.js';
import { launchChromium } from './support/launch-chromium.js';
import { type NodeProcess, spawnTsx } from './support/node-process.js';

/**
 * The status page as a production deployment serves it: `rampart run` (not the demo) with a
 * rampart.yaml (embedded backend, a scrape source, an API token, a spec directory), opened in
 * Debian's Chromium at a hostname other than localhost over plain HTTP, where the CSP's
 * `upgrade-insecure-requests` used to break every asset of the page.
 */
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const TOKEN = 'e2e-run-operator-token-0123456789';
const HOST = 'rampart.test';
let dir: string | undefined;
let profile: string | undefined;
let metrics: Server | undefined;
let rampart: NodeProcess | undefined;
let browser: BrowserContext | undefined;
let port = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-run-page-'));
  // The app's metrics, as the scrape source reads them: a little traffic on both arms.
  const registry = new Registry();
  const logins = new Counter({
    name: 'login_attempts_total',
    help: 'logins',
    labelNames: ['variant', 'result'],
    registers: [registry],
  });
  for (const variant of ['treatment', 'control']) logins.inc({ variant, result: 'success' }, 50);
  metrics = await serveRegistry(registry);
  const target = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`;

  port = await freePort();
  const specs = join(dir, 'flags');
  await mkdir(specs);
  await writeFile(
    join(specs, 'mfa.yaml'),
    `apiVersion: rampart/v1
kind: Rollout
name: mfa-staff
flag: { backend: embedded, name: mfa-staff-login }
steps: [1, 5, 25, 50, 100]
bake: 10m
tick: 1s
noDataTimeout: 1h
guardrails:
  - name: login-success
    compare: { metric: login_attempts_total, good: { result: success }, maxDrop: 0.05 }
`,
  );
  const config = join(dir, 'rampart.yaml');
  await writeFile(
    config,
    `apiVersion: rampart/v1
kind: Config
listen: { host: 127.0.0.1, port: ${port} }
specsDir: ${specs}
store: { url: "sqlite:${join(dir, 'rampart.db')}" }
metricSource:
  type: scrape
  interval: 1s
  targets:
    - { url: ${target}, labels: { app: login } }
apiTokens:
  - { name: e2e-operator, role: operator, tokenEnv: RAMPART_E2E_TOKEN }
`,
  );
  rampart = spawnTsx('test/support/cli-entry.ts', ['run', '--config', config], {
    RAMPART_E2E_TOKEN: TOKEN,
    RAMPART_LOG_LEVEL: 'warn',
  });
  const local = `http://127.0.0.1:${port}`;
  await waitFor(
    'rampart run listening',
    () =>
      fetch(`${local}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    60_000,
  );

  profile = await mkdtemp(join(tmpdir(), 'rampart-chromium-'));
  browser = await launchChromium(profile, [
    // A name that is not localhost, so Chromium treats the origin as plain, untrusted HTTP.
    `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rampart?.stop();
  if (metrics) await new Promise((resolve) => metrics?.close(resolve));
  if (profile) await rm(profile, { recursive: true, force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('rampart run serves the status page', () => {
  it(`works over plain HTTP at http://${HOST}: log in, see the rollout, pause it; no CSP violation`, async () => {
    if (!browser || !rampart) throw new Error('setup failed');
    const page = await browser.newPage();
    const console: string[] = [];
    const failed: string[] = [];
    page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    // Recorded by the page itself: a CSP violation fires this event even when nothing is logged.
    // (A string: this project's TypeScript has no DOM types.)
    await page.addInitScript({
      content: `window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
    });

    const url = `http://${HOST}:${port}/`;
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);

    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'mfa-staff' }).waitFor();
    const phase = page.locator('#phase-mfa-staff');
    // A loaded spec waits for a person: nothing is written to the flag before the Start button.
    await expect.poll(() => phase.textContent(), { timeout: 20_000 }).toBe('pending');
    await page.getByLabel('Reason').fill('e2e: start from the page of rampart run');
    await page.getByRole('button', { name: 'Start mfa-staff' }).click();
    await expect.poll(() => phase.textContent(), { timeout: 20_000 }).toBe('ramping');
    await expect.poll(() => page.locator('#percentage-mfa-staff').textContent()).toMatch(/^1 %/);

    await page.getByLabel('Reason').fill('e2e: pause from the page of rampart run');
    await page.getByRole('button', { name: 'Pause mfa-staff' }).click();
    await expect.poll(() => phase.textContent(), { timeout: 10_000 }).toBe('paused');
    await page.locator('.audit td', { hasText: 'e2e: pause from the page of rampart run' }).first().waitFor();

    // The API agrees: the pause went through rampart run's command path.
    const detail = (await (
      await fetch(`http://127.0.0.1:${port}/api/rollouts/mfa-staff`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as { phase: string; reason: string };
    expect(detail).toMatchObject({ phase: 'paused', reason: 'e2e: pause from the page of rampart run' });

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'run-status-page.png'), fullPage: true });
    expect(await page.evaluate('window.cspViolations')).toEqual([]);
    expect(console.filter((line) => /content security policy|refused to|pageerror/i.test(line))).toEqual([]);
    expect(failed).toEqual([]);
  }, 90_000);
});
