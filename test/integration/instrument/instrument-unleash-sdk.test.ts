import { Registry } from 'prom-client';
import { InMemStorageProvider, startUnleash, type Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentUnleash } from '../../../src/instrument/instrument-unleash.js';
import { readCounter } from '../../unit/instrument/read-counter.js';
import { CLIENT_TOKEN, staffOnly, startClientApi, waitFor } from './client-api-server.js';

const FLAG = 'staff-mfa';
let api: Awaited<ReturnType<typeof startClientApi>>;
let unleash: Unleash;

beforeAll(async () => {
  api = await startClientApi();
  api.source.set({ name: FLAG, percentage: 50, constraints: [staffOnly] });
  api.source.set({ name: 'unrelated', percentage: 100 });
  unleash = await startUnleash({
    appName: 'instrument-test',
    url: api.url,
    customHeaders: { Authorization: CLIENT_TOKEN },
    refreshInterval: 100,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
});

afterAll(async () => {
  unleash?.destroy();
  await api?.close();
});

const staff = (i: number) => ({ userId: `staff-${i}`, properties: { accountType: 'staff' } });
const customer = (i: number) => ({ userId: `customer-${i}`, properties: { accountType: 'customer' } });

describe('rampart/instrument with the real unleash-client', () => {
  it('follows the SDK: its split, its scope, and a new epoch when the flag changes', async () => {
    const registry = new Registry();
    const flag = instrumentUnleash({ unleash, flag: FLAG, registry });
    const read = (name: string, m: Record<string, string>) => readCounter(registry, name, m);
    try {
      for (let i = 0; i < 400; i++) {
        const user = flag.evaluate(staff(i));
        expect(user.enabled).toBe(unleash.isEnabled(FLAG, staff(i)));
        expect(flag.evaluate(customer(i)).variant).toBe('out_of_scope');
      }
      const treatment = (await read('flag_exposed_users_total', { variant: 'treatment' })) ?? 0;
      const control = (await read('flag_exposed_users_total', { variant: 'control' })) ?? 0;
      expect(treatment + control).toBe(400);
      // 50 % of 400 staff by the SDK's own hashing: far from 0 or 400.
      expect(treatment).toBeGreaterThan(150);
      expect(treatment).toBeLessThan(250);
      expect(await read('flag_exposed_users_total', { variant: 'out_of_scope' })).toBe(400);

      // Another flag changing downloads new features but is no new epoch of this one.
      api.source.set({ name: 'unrelated', percentage: 0 });
      await waitFor(() => !unleash.isEnabled('unrelated', staff(1)), 'the unrelated change');
      flag.evaluate(staff(1));
      expect(await read('rampart_instrument_epochs_total', {})).toBe(1);

      // The rollback: the flag is off, every staff user counts once more, now in control.
      api.source.set({ name: FLAG, enabled: false, percentage: 50, constraints: [staffOnly] });
      await waitFor(async () => (await read('rampart_instrument_epochs_total', {})) === 2, 'the new epoch');
      for (let i = 0; i < 400; i++) expect(flag.evaluate(staff(i)).variant).toBe('control');
      expect(await read('flag_exposed_users_total', { variant: 'control' })).toBe(control + 400);
      expect(await read('flag_exposed_users_total', { variant: 'treatment' })).toBe(treatment);
      expect(flag.evaluate(customer(1)).variant).toBe('out_of_scope');
    } finally {
      flag.close();
    }
  });
});
