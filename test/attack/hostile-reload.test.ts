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
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/free-port.js';
import { useAttackRig } from './support/attack-rig.js';
import { secretsIn } from './support/attack-secrets.js';
import { quantile, runHostileReload } from './support/hostile-reload.js';

/**
 * Far above a webhook answer of a loop that is not blocked (max 338 ms on a 2-core host at load 14),
 * below what parsing on the loop cost (1.3 s there; 7.3 s with the old loader and a 30 MB file).
 */
const BLOCKED_MS = 1_000;

const rig = useAttackRig({ startRollout: 'mfa-staff' });

describe('hostile reload of the watched spec directory', () => {
  it('answers and acts on every alert while hostile spec files are reloaded, none blocked', async () => {
    symlinkSync('/dev/zero', join(rig.daemon.specsDir, 'zero.yaml'));
    execFileSync('mkfifo', [join(rig.daemon.specsDir, 'pipe.yaml')]);
    const result = await runHostileReload({
      client: rig.client,
      specsDir: rig.daemon.specsDir,
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
    expect(rig.daemon.logs()).not.toContain('spec loader worker unavailable');
    await waitFor(
      'the largest valid spec loaded',
      async () => (await rig.client.as('viewer', 'GET', '/api/rollouts/hostile-maximal')).status === 200,
      60_000,
    );
    await waitFor(
      'hostile files refused with reasons',
      async () =>
        rig.daemon.logs().includes('spec file change not applied') &&
        rig.daemon.logs().includes('the limit is 64 KiB'),
      60_000,
    );
    const logs = rig.daemon.logs();
    expect((await rig.client.send('GET', '/healthz')).status).toBe(200);
    expect(rig.client.leaks).toEqual([]);
    expect(secretsIn(logs)).toEqual([]);
  });
});
