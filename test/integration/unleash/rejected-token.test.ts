import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRampart } from '../../../src/main.js';
import { type CliRun, captureCli } from '../../support/capture-cli.js';
import { OPERATOR_TOKEN, startRampartOnUnleash } from '../../support/rampart-on-unleash.js';
import { startUnleashServer, type UnleashServer } from '../../support/unleash-server.js';

/**
 * Issue 17's report, against a real unleash-server 7.4.1: rampart started with an admin token (from
 * a file) that Unleash rejects. /readyz must say not ready naming that file, and status must show
 * the failed write with its error and age instead of "ramping at 1 %".
 */
const API_TOKEN = OPERATOR_TOKEN;
const BAD_TOKEN = '*:*.not-a-real-token';
let unleash: UnleashServer;
let dir: string;
const running: RunningRampart[] = [];

// unleash-server's first start (migrations) can take minutes on a loaded machine.
beforeAll(async () => {
  unleash = await startUnleashServer();
  dir = mkdtempSync(join(tmpdir(), 'rampart-token-'));
}, 480_000);

afterAll(async () => {
  for (const r of running) await r.close();
  await unleash?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(name: string, token: string) {
  const started = await startRampartOnUnleash({ dir, name, unleashUrl: unleash.url, adminToken: token });
  running.push(started.rampart);
  return started;
}

function cli(url: string, argv: string[]): Promise<CliRun> {
  return captureCli(argv, { env: { RAMPART_URL: url, RAMPART_TOKEN: API_TOKEN }, now: () => new Date() });
}

describe('an Unleash admin token that Unleash rejects', () => {
  it('is not ready, naming the token file, and status shows the failing write with its error and age', async () => {
    const { rampart, tokenFile } = await start('bad', BAD_TOKEN);
    const ready = await fetch(`${rampart.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('not_ready');
    expect(body.checks['flagBackend:unleash']).toBe(
      `admin token rejected by Unleash at ${unleash.url} (HTTP 401): check the token of adminTokenFile: ${tokenFile}`,
    );
    expect(JSON.stringify(body)).not.toContain('not-a-real-token');

    // The first step's write fails on every attempt; wait until one has been recorded.
    await expect
      .poll(async () => (await rampart.controller.status('mfa-staff')).pendingWrite?.attempts ?? 0, {
        timeout: 30_000,
        interval: 250,
      })
      .toBeGreaterThan(0);
    const detail = (await fetch(`${rampart.url}/api/rollouts/mfa-staff`, {
      headers: { Authorization: `Bearer ${API_TOKEN}` },
    }).then((r) => r.json())) as Record<string, unknown>;
    expect(detail).toMatchObject({
      phase: 'ramping',
      decidedPercentage: 1,
      // The flag cannot be read with this token either: the decision is shown as a decision.
      percentageSource: 'decided',
      flagReadBack: { error: expect.stringContaining(`adminTokenFile: ${tokenFile}`) },
      pendingWrite: {
        purpose: 'step',
        write: { action: 'set', percentage: 1 },
        lastError: expect.stringContaining(`admin token rejected by Unleash at ${unleash.url}`),
      },
    });
    expect((detail.pendingWrite as { ageMs: number }).ageMs).toBeGreaterThan(0);

    const status = await cli(rampart.url, ['status', 'mfa-staff']);
    expect(status.code).toBe(0);
    expect(status.out).toContain('mfa-staff: ramping, decided 1 % (the flag could not be read)');
    expect(status.out).toMatch(
      new RegExp(
        `^flag write FAILING for \\d+s: set 1 % \\(step\\), \\d+ failed attempts?, next at \\S+: .*admin token rejected by Unleash .*adminTokenFile: ${tokenFile}`,
        'm',
      ),
    );
    const list = await cli(rampart.url, ['status']);
    expect(list.out).toMatch(/mfa-staff +ramping +1 % \(write failing\)/);
  });

  it('is ready with a token Unleash accepts (the same check, not /health)', async () => {
    const { rampart } = await start('good', unleash.adminToken);
    const ready = await fetch(`${rampart.url}/readyz`);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(body.checks['flagBackend:unleash']).toBe('ok');
  });
});
