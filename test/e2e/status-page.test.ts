import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compressSpec,
  DEFAULT_DEMO_SCHEDULE,
  FLAGSHIP_SPEC_PATH,
  loadSpecFile,
} from '../../src/demo/demo-spec.js';
import { type DemoStack, startDemoStack } from '../../src/demo/demo-stack.js';
import { launchChromium } from './support/launch-chromium.js';

/**
 * The status page in Debian's Chromium, driven by playwright-core, against a running demo stack:
 * rampart ramping the flagship rollout (steps 25 -> 50 -> 100, bake 30 s so it is still ramping
 * when the test pauses it) for the real login service under real traffic.
 */
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
let stack: DemoStack | undefined;
let browser: BrowserContext | undefined;
let profile: string | undefined;

beforeAll(async () => {
  const spec = {
    ...compressSpec(await loadSpecFile(), { ...DEFAULT_DEMO_SCHEDULE, bakeMs: 30_000, tickMs: 500 }),
    start: { mode: 'auto' as const },
    steps: [25, 50, 100],
  };
  stack = await startDemoStack({
    spec,
    specSource: FLAGSHIP_SPEC_PATH,
    port: 0,
    users: 300,
    rate: 20,
    scrapeIntervalMs: 500,
  });
  profile = await mkdtemp(join(tmpdir(), 'rampart-chromium-'));
  browser = await launchChromium(profile);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('status page in Chromium', () => {
  it('shows the rollout, logs in with an operator token, pauses it and sees the phase change', async () => {
    if (!stack || !browser) throw new Error('setup failed');
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    await page.goto(`${stack.rampart.url}/`);

    // The page itself is public and empty: data needs a token.
    await expect(page.getByLabel('API token').isVisible()).resolves.toBe(true);
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /not accepted|token/i })
      .waitFor();

    await page.getByLabel('API token').fill(stack.operatorToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'mfa-staff' }).waitFor();
    const phase = page.locator('#phase-mfa-staff');
    await expect.poll(() => phase.textContent(), { timeout: 20_000 }).toBe('ramping');
    await expect.poll(() => page.locator('#percentage-mfa-staff').textContent()).toMatch(/^25 %/);
    // Guardrail verdicts and the chart come from the API.
    await page.locator('tr[data-guardrail="enrollment-integrity"]').waitFor();
    await page.getByRole('img', { name: /Percentage of mfa-staff over time/ }).waitFor();

    await page.getByLabel('Reason').fill('e2e: hold the ramp');
    await page.getByRole('button', { name: 'Pause mfa-staff' }).click();
    await expect.poll(() => phase.textContent(), { timeout: 10_000 }).toBe('paused');
    expect(await page.getByRole('button', { name: 'Resume mfa-staff' }).isEnabled()).toBe(true);
    // The audit trail shows who paused and why.
    await page.locator('.audit td', { hasText: 'e2e: hold the ramp' }).first().waitFor();
    expect((await stack.rampart.controller.status('mfa-staff')).phase).toBe('paused');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'status-page.png'), fullPage: true });
    // Offline: everything the page loaded came from rampart itself.
    expect(failed).toEqual([]);
  });

  it('after Roll back, shows that the SDK instance has the flag off (fleet confirmation)', async () => {
    if (!stack || !browser) throw new Error('setup failed');
    const page = await browser.newPage();
    await page.goto(`${stack.rampart.url}/`);
    await page.getByLabel('API token').fill(stack.operatorToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'mfa-staff' }).waitFor();
    await page.getByLabel('Reason').fill('e2e: roll back');
    await page.getByRole('button', { name: 'Roll back mfa-staff' }).click();
    await expect
      .poll(() => page.locator('#phase-mfa-staff').textContent(), { timeout: 10_000 })
      .toBe('rolled_back');
    // The demo's login service is the one SDK instance; its next poll fetches the flag off.
    await expect
      .poll(() => page.locator('#fleet-mfa-staff').textContent(), { timeout: 15_000 })
      .toMatch(/^off on 1 of 1 instances after \d+\.\d s \(slowest demo-login-service\/.+\)$/);
  });
});
