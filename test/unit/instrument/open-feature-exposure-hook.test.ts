import {
  type EvaluationContext,
  type EventDetails,
  InMemoryProvider,
  OpenFeature,
} from '@openfeature/server-sdk';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentOpenFeature } from '../../../src/instrument/open-feature-exposure-hook.js';
import { readCounter } from './read-counter.js';

const flags = (staffOn: boolean) => ({
  mfa: {
    variants: { on: true, off: false },
    defaultVariant: 'off',
    disabled: false,
    contextEvaluator: (ctx: EvaluationContext) => (staffOn && ctx.accountType === 'staff' ? 'on' : 'off'),
  },
  other: { variants: { on: true }, defaultVariant: 'on', disabled: false },
});

afterEach(async () => {
  await OpenFeature.close();
  OpenFeature.clearHooks();
});

describe('the OpenFeature exposure hook', () => {
  it('counts evaluated users per variant once per epoch, scope from the predicate', async () => {
    const provider = new InMemoryProvider(flags(true));
    await OpenFeature.setProviderAndWait(provider);
    const client = OpenFeature.getClient();
    const registry = new Registry();
    const hook = instrumentOpenFeature(client, {
      registry,
      flag: 'mfa',
      inScope: (ctx) => ctx.accountType === 'staff',
    });
    const read = (m: Record<string, string>) => readCounter(registry, 'flag_exposed_users_total', m);
    for (let i = 0; i < 3; i++) {
      expect(await client.getBooleanValue('mfa', false, { targetingKey: 's1', accountType: 'staff' })).toBe(
        true,
      );
      await client.getBooleanValue('mfa', false, { targetingKey: 'c1', accountType: 'customer' });
      await client.getBooleanValue('other', false, { targetingKey: 'o1', accountType: 'staff' });
    }
    expect(await read({ variant: 'treatment' })).toBe(1);
    expect(await read({ variant: 'out_of_scope' })).toBe(1);
    expect(await read({})).toBe(2);
    expect(hook.variantOf(false, { accountType: 'staff' })).toBe('control');

    // The rollback: the provider reports the flag changed, so the same user counts again.
    provider.putConfiguration(flags(false));
    await new Promise((r) => setTimeout(r, 20));
    await client.getBooleanValue('mfa', false, { targetingKey: 's1', accountType: 'staff' });
    expect(await read({ variant: 'control' })).toBe(1);
    expect(await readCounter(registry, 'rampart_instrument_epochs_total')).toBe(2);
  });

  it('keeps the epoch when the provider names only other flags as changed', async () => {
    const handlers: ((e?: EventDetails) => void)[] = [];
    const registry = new Registry();
    instrumentOpenFeature(
      { addHooks: () => undefined, addHandler: (_e, h) => void handlers.push(h) },
      { registry, flag: 'mfa' },
    );
    const epochs = () => readCounter(registry, 'rampart_instrument_epochs_total');
    handlers[0]?.({ providerName: 'p', flagsChanged: ['other'] });
    expect(await epochs()).toBe(1);
    handlers[0]?.({ providerName: 'p', flagsChanged: ['other', 'mfa'] });
    expect(await epochs()).toBe(2);
    handlers[0]?.({ providerName: 'p' });
    expect(await epochs()).toBe(3);
  });
});
