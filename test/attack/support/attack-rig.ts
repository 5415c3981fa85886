import { afterAll, beforeAll, expect } from 'vitest';
import { type AttackDaemon, type AttackDaemonOptions, startAttackDaemon } from './attack-daemon.js';
import { RecordingClient, startWebhookSink } from './recording-client.js';

/** The attack daemon of one test file and the client that attacks it. */
export interface AttackRig {
  readonly daemon: AttackDaemon;
  readonly client: RecordingClient;
}

export interface AttackRigOptions extends Omit<AttackDaemonOptions, 'webhookSink'> {
  /** A rollout the operator starts before the tests, so commands and alerts have a running one to change. */
  startRollout?: string;
}

/**
 * Registers the file's beforeAll (webhook sink, daemon, client, optional rollout start) and afterAll
 * (daemon disposed, sink closed). The returned rig's fields are readable once beforeAll has run.
 */
export function useAttackRig(options: AttackRigOptions = {}): AttackRig {
  const { startRollout, ...daemonOptions } = options;
  let sink: Awaited<ReturnType<typeof startWebhookSink>> | undefined;
  let daemon: AttackDaemon | undefined;
  let client: RecordingClient | undefined;
  beforeAll(async () => {
    sink = await startWebhookSink();
    daemon = await startAttackDaemon({ ...daemonOptions, webhookSink: sink.url });
    client = new RecordingClient(daemon.url);
    if (startRollout !== undefined) {
      const answer = await client.as('operator', 'POST', `/api/rollouts/${startRollout}/start`, {
        reason: 'go',
      });
      expect(answer.status).toBe(202);
    }
  });
  afterAll(async () => {
    await daemon?.dispose();
    await sink?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the attack ${what} is not started (read it inside a test)`);
    return value;
  };
  return {
    get daemon() {
      return started(daemon, 'daemon');
    },
    get client() {
      return started(client, 'client');
    },
  };
}
