import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/validation-error.js';
import { createFlagBackend } from '../../../src/flag-backends/create-flag-backend.js';
import { EmbeddedFlagBackend } from '../../../src/flag-backends/embedded/embedded-flag-backend.js';
import {
  type FlagBackendConfig,
  flagBackendConfigSchema,
} from '../../../src/flag-backends/flag-backend-config.js';
import { UnleashFlagBackend } from '../../../src/flag-backends/unleash/unleash-flag-backend.js';
import { openSqliteStore } from '../../../src/store/open-sqlite-store.js';
import { systemClock } from '../../../src/time/clock.js';

describe('flagBackendConfigSchema', () => {
  it('parses an unleash entry with defaults (timeout in ms)', () => {
    expect(flagBackendConfigSchema.parse({ type: 'unleash', url: 'https://unleash.example.org' })).toEqual({
      type: 'unleash',
      url: 'https://unleash.example.org',
      timeout: 5000,
      maxAttempts: 4,
    });
  });

  it('rejects unknown fields and non-http URLs', () => {
    expect(flagBackendConfigSchema.safeParse({ type: 'unleash', url: 'https://u', token: 'x' }).success).toBe(
      false,
    );
    expect(flagBackendConfigSchema.safeParse({ type: 'unleash', url: 'ftp://u' }).success).toBe(false);
  });

  it('rejects an unknown type', () => {
    expect(flagBackendConfigSchema.safeParse({ type: 'launchdarkly' }).success).toBe(false);
  });
});

describe('createFlagBackend', () => {
  it('builds an Unleash backend with the token from the environment', () => {
    const config = flagBackendConfigSchema.parse({ type: 'unleash', url: 'http://127.0.0.1:4242' });
    const backend = createFlagBackend(config, { clock: systemClock, env: { UNLEASH_ADMIN_TOKEN: '*:*.t' } });
    expect(backend).toBeInstanceOf(UnleashFlagBackend);
  });

  it('says how to supply a missing admin token', () => {
    const config = flagBackendConfigSchema.parse({ type: 'unleash', url: 'http://127.0.0.1:4242' });
    expect(() => createFlagBackend(config, { clock: systemClock, env: {} })).toThrow(
      /adminToken: no Unleash admin token: set UNLEASH_ADMIN_TOKEN/,
    );
  });

  it('builds the embedded backend on the store', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    try {
      const backend = createFlagBackend({ type: 'embedded' }, { clock: systemClock, flags: store.flags });
      expect(backend).toBeInstanceOf(EmbeddedFlagBackend);
    } finally {
      await store.close();
    }
  });

  it('lists the valid types for an unknown one instead of falling back', () => {
    const bogus = { type: 'launchdarkly' } as unknown as FlagBackendConfig;
    const error = (() => {
      try {
        createFlagBackend(bogus, { clock: systemClock }, 'rampart.yaml');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(
      'rampart.yaml: type: unknown flag backend type "launchdarkly": valid types are unleash, embedded',
    );
  });
});
