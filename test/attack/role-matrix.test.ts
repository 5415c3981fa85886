/**
 * Role matrix over every route of the OpenAPI document `rampart run` serves (a route added to the
 * document is attacked without a change here; routes-in-openapi.test.ts keeps the document
 * complete): without a token, with a wrong token and with every role the route does not admit,
 * no request gets a 2xx, none changes state, every answer is a JSON error.
 */
import { describe, expect, it } from 'vitest';
import { useAttackRig } from './support/attack-rig.js';
import { ATTACK_SECRETS, type AttackRole, secretsIn, secretsInFile } from './support/attack-secrets.js';
import { type Operation, servedOperations } from './support/openapi-operations.js';
import { stateSnapshot } from './support/state-snapshot.js';
import { validBody } from './support/valid-bodies.js';

const ROLES: AttackRole[] = ['viewer', 'operator', 'admin', 'alertmanager'];
const ROLLOUT = 'mfa-staff';

// A running rollout, so pause, promote, rollback and alerts would all change it.
const rig = useAttackRig({ startRollout: ROLLOUT });

/** Who must be refused on `op`: no token, a wrong one, and every role (or API token) it does not admit. */
function intruders(op: Operation): { who: string; token: string | undefined }[] {
  const wrong = [
    { who: 'no token', token: undefined },
    { who: 'wrong token', token: `wrong-${ATTACK_SECRETS.admin.slice(0, 8)}` },
  ];
  if (op.auth === 'bearer') {
    return [
      ...wrong,
      ...ROLES.filter((r) => !op.roles.includes(r)).map((r) => ({ who: r, token: ATTACK_SECRETS[r] })),
    ];
  }
  // API tokens are not client tokens, whatever their role.
  return [...wrong, ...ROLES.map((r) => ({ who: `${r} API token`, token: ATTACK_SECRETS[r] }))];
}

describe('role matrix from the served OpenAPI document', () => {
  it('refuses every intruder on every protected route: no 2xx, no state change, a JSON error', async () => {
    const operations = await servedOperations(rig.client, ROLLOUT);
    const protectedOps = operations.filter((op) => op.auth !== 'public');
    // The document really lists the API: a broken enumeration must not pass as "nothing refused".
    expect(protectedOps.length).toBeGreaterThanOrEqual(14);
    expect(protectedOps.filter((op) => op.auth === 'bearer').every((op) => op.roles.length > 0)).toBe(true);
    let attempts = 0;
    let changes = 0;
    const statuses = new Map<number, number>();
    for (const op of protectedOps) {
      const body = validBody(op, ROLLOUT);
      for (const { who, token } of intruders(op)) {
        const before = await stateSnapshot(rig.client);
        const answer = await rig.client.send(op.method, op.path, {
          ...(op.auth === 'clientToken'
            ? { headers: token === undefined ? {} : { Authorization: token } }
            : { token }),
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        attempts += 1;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const where = `${op.method} ${op.template} as ${who}: ${answer.status} ${answer.text.slice(0, 200)}`;
        expect([401, 403, 429], where).toContain(answer.status);
        expect(answer.contentType, where).toContain('application/json');
        expect(answer.json, where).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        if (op.auth === 'bearer' && ROLES.includes(who as AttackRole)) expect(answer.status, where).toBe(403);
        const after = await stateSnapshot(rig.client);
        if (after !== before) changes += 1;
        expect(after, `state changed by ${where}`).toBe(before);
      }
    }
    console.info(
      `role matrix: ${protectedOps.length} routes, ${attempts} refused attempts (${[...statuses]
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ')}), ${changes} state changes`,
    );
  });

  it('admits every role the document names (the matrix above refused real tokens, not broken ones)', async () => {
    const operations = await servedOperations(rig.client, 'checkout');
    for (const op of operations.filter((o) => o.auth === 'bearer')) {
      for (const role of op.roles) {
        const body = validBody(op, 'checkout');
        const answer = await rig.client.as(role, op.method, op.path, body);
        expect([401, 403, 429], `${op.method} ${op.template} as ${role}`).not.toContain(answer.status);
      }
    }
  });

  it('leaked no secret in any answer, log line or the database', async () => {
    expect(rig.client.requests).toBeGreaterThan(100);
    expect(rig.client.leaks).toEqual([]);
    expect(secretsIn(rig.daemon.logs())).toEqual([]);
    for (const file of ['', '-wal', '-shm']) expect(secretsInFile(`${rig.daemon.dbPath}${file}`)).toEqual([]);
  });
});
