import { ATTACK_SECRETS } from './attack-secrets.js';
import type { RecordingClient } from './recording-client.js';

interface Summary {
  name: string;
  phase: string;
  step: number | null;
  percentage: number;
  reason: unknown;
  pendingWrite: unknown;
}

/**
 * What an unauthorised request must not change, read with the admin token: each rollout's phase,
 * step, percentage, reason and pending write, its newest audit seq, and the flags SDKs are served.
 */
export async function stateSnapshot(client: RecordingClient): Promise<string> {
  const list = await client.as('admin', 'GET', '/api/rollouts');
  const rollouts = (list.json as { rollouts: Summary[] }).rollouts;
  const parts: unknown[] = [];
  for (const r of rollouts) {
    const audit = await client.as('admin', 'GET', `/api/rollouts/${r.name}/audit?order=desc&limit=1`);
    const newest = (audit.json as { entries: { seq: number }[] }).entries[0]?.seq ?? 0;
    parts.push([r.name, r.phase, r.step, r.percentage, r.reason, r.pendingWrite, newest]);
  }
  const flags = await client.send('GET', '/api/client/features', {
    headers: { Authorization: ATTACK_SECRETS.client },
  });
  const features = (flags.json as { features: unknown[] }).features;
  return JSON.stringify({ parts, features });
}
