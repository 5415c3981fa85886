import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatusPage } from '../../src/http/status-page/create-status-page.js';
import type { RunningRampart } from '../../src/main.js';
import { OPERATOR_TOKEN, startRampartOnUnleash } from '../support/rampart-on-unleash.js';
import { startUnleashServer, type UnleashServer } from '../support/unleash-server.js';
import { launchChromium } from './support/launch-chromium.js';

/**
 * The status page in Chromium while every flag write fails: rampart runs against a real
 * unleash-server 7.4.1 with an admin token Unleash rejects. The page must not claim "1 %": it shows
 * the decision as a decision and the failing write with its error and age.
 */
let unleash: UnleashServer | undefined;
let rampart: RunningRampart | undefined;
let browser: BrowserContext | undefined;
let dir: string | undefined;

beforeAll(async () => {
  unleash = await startUnleashServer();
  dir = await mkdtemp(join(tmpdir(), 'rampart-write-e2e-'));
  ({ rampart } = await startRampartOnUnleash({
    dir,
    name: 'page',
    unleashUrl: unleash.url,
    adminToken: '*:*.not-a-real-token',
    statusPage: createStatusPage(),
  }));
  browser = await launchChromium(join(dir, 'chromium'));
}, 480_000);

afterAll(async () => {
  await browser?.close();
  await rampart?.close();
  await unleash?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('status page with a failing flag write', () => {
  it('shows the decided percentage as a decision and the failing write with its error and age', async () => {
    if (!rampart || !browser || !unleash) throw new Error('setup failed');
    const page = await browser.newPage();
    await page.goto(`${rampart.url}/`);
    await page.getByLabel('API token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'mfa-staff' }).waitFor();
    const write = page.locator('#write-mfa-staff');
    await expect
      .poll(() => write.textContent().catch(() => ''), { timeout: 30_000 })
      .toMatch(
        /^FAILING for \d+s: set 1 % \(step\), \d+ failed attempt\(s\): admin token rejected by Unleash .*check the token of adminTokenFile: /,
      );
    expect(await page.locator('#percentage-mfa-staff').textContent()).toMatch(
      /^decided 1 % \(the flag could not be read\)/,
    );
  });
});
