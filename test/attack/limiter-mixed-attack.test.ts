/**
 * The failed-authentication limiter under a mixed attack: attackers on loopback flood wrong tokens
 * at the API, the webhook and the client API (the limiter answers them 429) while, from the same
 * address, an operator keeps starting rollouts and reading, an SDK keeps polling, and Alertmanager
 * keeps rolling rollouts back. Every valid request must work, every alert must roll back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttackDaemon, rolloutSpec, startAttackDaemon } from './support/attack-daemon.js';
import { ATTACK_SECRETS, secretsIn } from './support/attack-secrets.js';
import { RecordingClient, startWebhookSink } from './support/recording-client.js';
import { alertPost } from './support/valid-bodies.js';

const ROLLOUTS = Array.from({ length: 20 }, (_, i) => `r-${String(i).padStart(2, '0')}`);
const ATTACKERS = 4;

let sink: Awaited<ReturnType<typeof startWebhookSink>>;
let daemon: AttackDaemon;
let client: RecordingClient;

beforeAll(async () => {
  sink = await startWebhookSink();
  const specs = Object.fromEntries(ROLLOUTS.map((name) => [`${name}.yaml`, rolloutSpec(name)]));
  daemon = await startAttackDaemon({ webhookSink: sink.url, specs });
  client = new RecordingClient(daemon.url);
});

afterAll(async () => {
  await daemon?.dispose();
  await sink?.close();
});

/** One attacker: wrong tokens (and none) at every kind of protected route until told to stop. */
async function attacker(id: number, stop: { done: boolean }, statuses: Map<number, number>): Promise<void> {
  for (let i = 0; !stop.done; i++) {
    const guess = `guess-${id}-${i}`;
    const answer = await [
      () => client.send('GET', '/api/rollouts', { token: guess }),
      () => client.send('POST', '/api/rollouts/r-00/rollback', { token: guess, body: '{"reason":"x"}' }),
      () =>
        client.send('POST', '/api/alerts/alertmanager', { body: JSON.stringify(alertPost('r-01', guess)) }),
      () => client.send('GET', '/api/client/features', { headers: { Authorization: guess } }),
    ][i % 4]?.();
    if (answer) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  }
}

describe('failed-authentication limiter under a mixed attack from loopback', () => {
  it('keeps every valid token working and every alert rolling back while attackers are limited', async () => {
    const stop = { done: false };
    const attack = new Map<number, number>();
    const attackers = Array.from({ length: ATTACKERS }, (_, id) => attacker(id, stop, attack));
    const refused: string[] = [];
    let valid = 0;
    const check = (what: string, status: number, expected: number) => {
      valid += 1;
      if (status !== expected) refused.push(`${what}: ${status}`);
    };
    try {
      // Let the flood pass the limit first, so every valid request below meets an engaged limiter.
      while ((attack.get(429) ?? 0) < 20) await new Promise((r) => setTimeout(r, 20));
      for (const [i, name] of ROLLOUTS.entries()) {
        const start = await client.as('operator', 'POST', `/api/rollouts/${name}/start`, { reason: 'ramp' });
        check(`start ${name}`, start.status, 202);
        check('list', (await client.as('operator', 'GET', '/api/rollouts')).status, 200);
        const sdk = await client.send('GET', i % 2 ? '/api/client/delta' : '/api/client/features', {
          headers: { Authorization: ATTACK_SECRETS.client },
        });
        check('sdk poll', sdk.status, 200);
        const alert = await client.as(
          'alertmanager',
          'POST',
          '/api/alerts/alertmanager',
          alertPost(name, `fp-${name}`),
        );
        check(`alert ${name}`, alert.status, 202);
        const detail = await client.as('operator', 'GET', `/api/rollouts/${name}`);
        check(`detail ${name}`, detail.status, 200);
        expect((detail.json as { phase: string }).phase, `${name} after its alert`).toBe('rolled_back');
      }
    } finally {
      stop.done = true;
      await Promise.all(attackers);
    }
    const attempts = [...attack.values()].reduce((a, b) => a + b, 0);
    console.info(
      `limiter: ${attempts} attacker requests (${[...attack].map(([s, n]) => `${s}: ${n}`).join(', ')}); ` +
        `${valid} valid requests, ${refused.length} refused; ${ROLLOUTS.length} alert rollbacks`,
    );
    expect(refused).toEqual([]);
    // The attack was really limited, and nothing it sent got through.
    expect(attack.get(429) ?? 0).toBeGreaterThan(attempts / 2);
    expect([...attack.keys()].every((s) => s === 401 || s === 429)).toBe(true);
    expect(client.leaks).toEqual([]);
    expect(secretsIn(daemon.logs())).toEqual([]);
  });
});
