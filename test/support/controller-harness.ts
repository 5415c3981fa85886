import { Controller } from '../../src/controller/controller.js';
import { Scheduler } from '../../src/controller/scheduler.js';
import { EmbeddedFlagBackend } from '../../src/flag-backends/embedded/embedded-flag-backend.js';
import type { Notification, Notifier } from '../../src/notify/notifier.js';
import {
  type RolloutSpec,
  type RolloutSpecInput,
  rolloutSpecSchema,
} from '../../src/rollout-spec/rollout-spec-schema.js';
import { openSqliteStore } from '../../src/store/open-sqlite-store.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { ManualClock } from '../../src/time/manual-clock.js';
import { ManualTicker } from '../../src/time/manual-ticker.js';
import { FlakyFlagBackend } from './flaky-flag-backend.js';
import { ScriptedVerdictSource } from './scripted-verdict-source.js';

/**
 * A rollout spec for tests: small bake, small sample, two guardrails; override anything. It starts
 * by itself (`start: auto`) because most tests are about the ramp; the start tests override it.
 */
export function testSpec(overrides: Partial<RolloutSpecInput> = {}): RolloutSpec {
  return rolloutSpecSchema.parse({
    apiVersion: 'rampart/v1',
    kind: 'Rollout',
    name: 'mfa-staff',
    flag: { backend: 'embedded', name: 'mfa-staff-login' },
    steps: [1, 5, 25, 50, 100],
    bake: '1m',
    minSamples: 100,
    tick: '10s',
    noDataTimeout: '5m',
    start: 'auto',
    guardrails: [
      {
        name: 'login-success',
        compare: { metric: 'login_attempts_total', good: { result: 'success' }, maxDrop: 0.05 },
      },
      { name: 'exposure-balance', srm: { metric: 'flag_exposures_total' } },
    ],
    alerts: { match: { rollout: 'mfa-staff' } },
    ...overrides,
  } satisfies RolloutSpecInput);
}

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

export interface Harness {
  store: SqlStore;
  clock: ManualClock;
  ticker: ManualTicker;
  backend: FlakyFlagBackend;
  embedded: EmbeddedFlagBackend;
  verdicts: ScriptedVerdictSource;
  notifier: RecordingNotifier;
  controller: Controller;
  scheduler: Scheduler;
  /** Advances the virtual clock by `ms` and ticks the rollout once. */
  step(name: string, ms?: number): ReturnType<Controller['tick']>;
  /** Actions of the rollout's audit log, in order. */
  actions(name?: string): Promise<string[]>;
}

/** A controller on an in-memory store and a virtual clock (Monday 2026-11-30 10:00 Berlin). */
export async function makeHarness(start = Date.parse('2026-11-30T09:00:00Z')): Promise<Harness> {
  const store = await openSqliteStore({ path: ':memory:' });
  const clock = new ManualClock(start);
  const ticker = new ManualTicker(clock);
  const embedded = new EmbeddedFlagBackend(store.flags, clock);
  const backend = new FlakyFlagBackend(embedded);
  const verdicts = new ScriptedVerdictSource();
  const notifier = new RecordingNotifier();
  const controller = new Controller({
    store,
    flagBackend: () => backend,
    verdictSource: verdicts,
    clock,
    notifier,
  });
  const scheduler = new Scheduler({ controller, ticker, clock });
  return {
    store,
    clock,
    ticker,
    backend,
    embedded,
    verdicts,
    notifier,
    controller,
    scheduler,
    step(name, ms = 10_000) {
      clock.advance(ms);
      return controller.tick(name);
    },
    async actions(name) {
      return (await store.readAudit(name === undefined ? {} : { rollout: name })).map((e) => e.action);
    },
  };
}
