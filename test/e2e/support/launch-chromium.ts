import { type BrowserContext, chromium } from 'playwright-core';
import { requireTestServer } from '../../support/test-servers.js';

/** Debian's Chromium, headless, with nothing of its own talking to the network. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A persistent Chromium context in `profile` (a temp dir the caller removes), for the e2e tests. */
export function launchChromium(profile: string, extraArgs: readonly string[] = []): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: requireTestServer('chromium'),
    headless: true,
    args: [...FLAGS, ...extraArgs],
    viewport: { width: 1280, height: 1000 },
  });
}
