/**
 * Hostile reload: pathological and oversized spec files (hostile-reload.ts) rewritten in the
 * watched directory every 300 ms, plus a FIFO and a link to /dev/zero, while Alertmanager alerts
 * roll a rollout back one after another. Every alert must be answered and acted on, and none may
 * wait seconds: a reload must never block the event loop. (The latency target, p99 < 100 ms, is
 * measured by `npm run bench:hostile-reload`; the bound here only catches a blocked loop.)
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/free-port.js';
import { type AttackDaemon, startAttackDaemon } from './support/attack-daemon.js';
import { secretsIn } from './support/attack-secrets.js';
import { quantile, runHostileReload } from './support/hostile-reload.js';
import { RecordingClient, startWebhookSink } from './support/recording-client.js';

/**
 * Far above a webhook answer of a loop that is not blocked (max 338 ms on a 2-core host at load 14),
 * below what parsing on the loop cost (1.3 s there; 7.3 s with the old loader and a 30 MB file).
 */
const BLOCKED_MS = 1_000;

let sink: Awaited<ReturnType<typeof startWebhookSink>>;
let daemon: AttackDaemon;
let client: RecordingClient;

beforeAll(async () => {
  sink = await startWebhookSink();
  daemon = await startAttackDaemon({ webhookSink: sink.url });
  client = new RecordingClient(daemon.url);
  expect(
    (await client.as('operator', 'POST', '/api/rollouts/mfa-staff/start', { reason: 'go' })).status,
  ).toBe(202);
});

afterAll(async () => {
  await daemon?.dispose();
  await sink?.close();
});

describe('hostile reload of the watched spec directory', () => {
  it('answers and acts on every alert while hostile spec files are reloaded, none blocked', async () => {
    symlinkSync('/dev/zero', join(daemon.specsDir, 'zero.yaml'));
    execFileSync('mkfifo', [join(daemon.specsDir, 'pipe.yaml')]);
    const result = await runHostileReload({
      client,
      specsDir: daemon.specsDir,
      rollout: 'mfa-staff',
      durationMs: 8_000,
      intervalMs: 300,
    });
    const max = Math.max(...result.latencies);
    console.info(
      `hostile reload: ${result.rounds} rounds, ${result.latencies.length} alerts, p50 ${quantile(result.latencies, 0.5).toFixed(0)} ms, p99 ${quantile(result.latencies, 0.99).toFixed(0)} ms, max ${max.toFixed(0)} ms`,
    );
    expect(result.failed).toEqual([]);
    expect(result.rounds).toBeGreaterThanOrEqual(5);
    expect(result.latencies.length).toBeGreaterThanOrEqual(5);
    expect(max).toBeLessThan(BLOCKED_MS);
  });

  it('went on reloading: the largest valid spec was loaded, the hostile ones refused with a reason', async () => {
    // The reloads ran in the spec loader's worker, not on the event loop of a fallback.
    expect(daemon.logs()).not.toContain('spec loader worker unavailable');
    await waitFor(
      'the largest valid spec loaded',
      async () => (await client.as('viewer', 'GET', '/api/rollouts/hostile-maximal')).status === 200,
      60_000,
    );
    await waitFor(
      'hostile files refused with reasons',
      async () =>
        daemon.logs().includes('spec file change not applied') &&
        daemon.logs().includes('the limit is 64 KiB'),
      60_000,
    );
    const logs = daemon.logs();
    expect((await client.send('GET', '/healthz')).status).toBe(200);
    expect(client.leaks).toEqual([]);
    expect(secretsIn(logs)).toEqual([]);
  });
});
