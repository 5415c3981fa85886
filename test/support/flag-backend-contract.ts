import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FlagBackend } from '../../src/flag-backends/flag-backend.js';
import { type FlagRef, flagRefSchema } from '../../src/rollout-spec/rollout-spec-schema.js';

/**
 * What every FlagBackend must do, whatever holds the flags. `makeBackend` is called once per test
 * (after the file's beforeAll, so it may use a server started there); every test uses fresh flag names.
 */
export function describeFlagBackendContract(
  name: string,
  makeBackend: () => FlagBackend | Promise<FlagBackend>,
  options: { backend?: string; project?: string } = {},
): void {
  const freshFlag = (environment = 'production'): FlagRef =>
    flagRefSchema.parse({
      backend: options.backend ?? 'test',
      name: `contract-${randomBytes(5).toString('hex')}`,
      project: options.project ?? 'default',
      environment,
    });

  describe(`FlagBackend contract: ${name}`, () => {
    it('reports a flag that was never written as not existing and off', async () => {
      const backend = await makeBackend();
      expect(await backend.read(freshFlag())).toMatchObject({
        exists: false,
        enabled: false,
        percentage: 0,
      });
    });

    it('creates the flag on the first setPercentage and returns the state read back', async () => {
      const backend = await makeBackend();
      const flag = freshFlag();
      expect(await backend.setPercentage(flag, 1)).toMatchObject({
        exists: true,
        enabled: true,
        percentage: 1,
      });
      expect(await backend.read(flag)).toMatchObject({ exists: true, enabled: true, percentage: 1 });
    });

    it('ramps 1 -> 5 -> 25 -> 100, each step read back', async () => {
      const backend = await makeBackend();
      const flag = freshFlag();
      for (const percentage of [1, 5, 25, 100]) {
        expect(await backend.setPercentage(flag, percentage)).toMatchObject({ enabled: true, percentage });
        expect(await backend.read(flag)).toMatchObject({ enabled: true, percentage });
      }
    });

    it('disable turns the flag off at rollout 0 and stays so when read again (no trap)', async () => {
      const backend = await makeBackend();
      const flag = freshFlag();
      await backend.setPercentage(flag, 25);
      const off = { exists: true, enabled: false, percentage: 0 };
      expect(await backend.disable(flag)).toMatchObject(off);
      expect(await backend.read(flag)).toMatchObject(off);
      expect(await backend.disable(flag)).toMatchObject(off);
    });

    it('writes the scope (constraints) and reads it back canonically on every read', async () => {
      const backend = await makeBackend();
      const flag = flagRefSchema.parse({
        ...freshFlag(),
        constraints: [
          { contextName: 'accountType', operator: 'IN', values: ['staff', 'admin'] },
          { contextName: 'appVersion', operator: 'SEMVER_GT', value: '2.0.0', inverted: true },
        ],
      });
      const scope = {
        constraints: [
          {
            contextName: 'accountType',
            operator: 'IN',
            values: ['admin', 'staff'],
            inverted: false,
            caseInsensitive: false,
          },
          {
            contextName: 'appVersion',
            operator: 'SEMVER_GT',
            value: '2.0.0',
            inverted: true,
            caseInsensitive: false,
          },
        ],
        segments: [],
      };
      expect((await backend.setPercentage(flag, 5)).scope).toEqual(scope);
      expect((await backend.read(flag)).scope).toEqual(scope);
      expect((await backend.disable(flag)).scope).toEqual(scope);
    });

    it('setPercentage after disable turns the flag back on at the new percentage', async () => {
      const backend = await makeBackend();
      const flag = freshFlag();
      await backend.setPercentage(flag, 25);
      await backend.disable(flag);
      expect(await backend.setPercentage(flag, 5)).toMatchObject({ enabled: true, percentage: 5 });
    });

    it('setPercentage(0) keeps the flag on with nobody in it (rollback: zero)', async () => {
      const backend = await makeBackend();
      const flag = freshFlag();
      await backend.setPercentage(flag, 25);
      expect(await backend.setPercentage(flag, 0)).toMatchObject({ enabled: true, percentage: 0 });
    });

    it('keeps flags and environments apart', async () => {
      const backend = await makeBackend();
      const a = freshFlag('production');
      const b = freshFlag('production');
      const aDev = { ...a, environment: 'development' };
      await backend.setPercentage(a, 5);
      await backend.setPercentage(b, 50);
      expect(await backend.read(a)).toMatchObject({ percentage: 5 });
      expect(await backend.read(b)).toMatchObject({ percentage: 50 });
      expect(await backend.read(aDev)).toMatchObject({ enabled: false, percentage: 0 });
    });

    it('rejects a percentage that is not an integer 0..100 without writing', async () => {
      const backend = await makeBackend();
      const flag = freshFlag();
      await expect(backend.setPercentage(flag, 101)).rejects.toThrow(RangeError);
      await expect(backend.setPercentage(flag, -1)).rejects.toThrow(RangeError);
      await expect(backend.setPercentage(flag, 12.5)).rejects.toThrow(RangeError);
      expect(await backend.read(flag)).toMatchObject({ exists: false });
    });

    it('is ready for a flag it can read', async () => {
      const backend = await makeBackend();
      expect(await backend.readiness([freshFlag()])).toEqual({ ok: true });
    });
  });
}
