import { describe, expect, it } from 'vitest';
import { checkSpecReferences } from '../../../src/config/check-spec-references.js';
import type { RuntimeConfig } from '../../../src/config/resolve-config.js';
import { testSpec } from '../../support/controller-harness.js';

const runtime = {
  flagBackends: {
    embedded: { type: 'embedded', clientTokens: [] },
    unleash: { type: 'unleash', url: 'http://unleash.test', adminToken: 't', timeout: 5000, maxAttempts: 4 },
  },
  notifiers: {},
  metricSource: { type: 'prometheus' },
} as unknown as RuntimeConfig;

const withFlag = (backend: string, segments?: string[]) => ({
  source: 'flags/x.yaml',
  spec: testSpec({ alerts: undefined, flag: { backend, name: 'f', segments } }),
});

describe('checkSpecReferences: scope', () => {
  it('refuses segments on an embedded backend, naming the field and the way out', () => {
    expect(checkSpecReferences([withFlag('embedded', ['beta'])], runtime)).toEqual([
      {
        source: 'flags/x.yaml',
        path: 'flag.segments',
        message:
          'segments are Unleash segments: backend "embedded" is embedded and has none; write the scope as flag.constraints instead',
      },
    ]);
  });

  it('takes segments on an unleash backend and an embedded flag without segments', () => {
    expect(checkSpecReferences([withFlag('unleash', ['beta']), withFlag('embedded')], runtime)).toEqual([]);
  });
});
