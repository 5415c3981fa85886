// A controller process for the crash-safety test: it drives a series of rollouts on a virtual clock
// against a SQLite file until it is SIGKILLed, or until all rollouts are finished (then exits 0).
// Rollout r-NNNN behaves by NNNN % 3: 0 ramps to completion, 1 fails a guardrail at 25 % (automatic
// rollback), 2 gets a manual rollback command from an operator at 50 %. Flag writes fail at random
// (before or after reaching the store) so decided writes often span ticks and kills.
import type { Verdict } from '../../src/analysis/verdict.js';
import { Controller } from '../../src/controller/controller.js';
import { Scheduler } from '../../src/controller/scheduler.js';
import type { VerdictRequest, VerdictSource } from '../../src/controller/verdict-source.js';
import { EmbeddedFlagBackend } from '../../src/flag-backends/embedded/embedded-flag-backend.js';
import type { FlagBackend, FlagState, Readiness } from '../../src/flag-backends/flag-backend.js';
import type { RolloutState } from '../../src/rollout/rollout-state.js';
import type { FlagRef } from '../../src/rollout-spec/rollout-spec-schema.js';
import { openSqliteStore } from '../../src/store/open-sqlite-store.js';
import { ManualClock } from '../../src/time/manual-clock.js';
import { ManualTicker } from '../../src/time/manual-ticker.js';
import { crashSpec, TICK_MS } from './crash-spec.js';

const [path, totalText] = process.argv.slice(2);
if (!path || !totalText) throw new Error('usage: crash-child.ts DB_PATH TOTAL_ROLLOUTS');
const total = Number(totalText);

/** Fails 15 % of writes before the store sees them and 15 % after (the answer is lost). */
class UnreliableBackend implements FlagBackend {
  constructor(private readonly inner: FlagBackend) {}
  read(flag: FlagRef): Promise<FlagState> {
    return this.inner.read(flag);
  }
  setPercentage(flag: FlagRef, percentage: number): Promise<FlagState> {
    return this.unreliably(() => this.inner.setPercentage(flag, percentage));
  }
  disable(flag: FlagRef): Promise<FlagState> {
    return this.unreliably(() => this.inner.disable(flag));
  }
  readiness(flags: readonly FlagRef[]): Promise<Readiness> {
    return this.inner.readiness(flags);
  }
  private async unreliably(write: () => Promise<FlagState>): Promise<FlagState> {
    const dice = Math.random();
    if (dice < 0.15) throw new Error('503 before write');
    const state = await write();
    if (dice < 0.3) throw new Error('timeout after write');
    return state;
  }
}

const verdictSource: VerdictSource = {
  async verdicts(req: VerdictRequest): Promise<Verdict[]> {
    const failing = Number(req.spec.name.slice(2)) % 3 === 1 && req.stepIndex >= 2;
    return req.spec.guardrails.map((g) => ({
      guardrail: g.name,
      kind: g.kind,
      status: failing ? 'fail' : 'pass',
      onFail: 'rollback',
      reason: `${g.name}: ${failing ? 'treatment worse' : 'fine'}`,
      evidence: { treatment: { n: 500 }, control: { n: 500 } },
    }));
  },
};

function finished(s: RolloutState): boolean {
  return (s.phase === 'completed' || s.phase === 'rolled_back') && s.pendingWrite === null;
}

const store = await openSqliteStore({ path });
const rollouts = await store.listRollouts();
const audit = await store.readAudit();
const latest = Math.max(
  Date.parse('2026-11-30T09:00:00Z'),
  ...rollouts.map((r) => r.updatedAt.getTime()),
  ...audit.map((e) => e.at.getTime()),
);
const clock = new ManualClock(latest + TICK_MS);
const ticker = new ManualTicker(clock);
const backend = new UnreliableBackend(new EmbeddedFlagBackend(store.flags, clock));
const controller = new Controller({ store, flagBackend: () => backend, verdictSource, clock });
const scheduler = new Scheduler({ controller, ticker, clock });
process.stdout.write('ready\n');

for (let n = 1; n <= total; n++) {
  const name = `r-${String(n).padStart(4, '0')}`;
  let state = await store.getRollout(name);
  if (state && finished(state)) continue;
  if (!state) state = (await controller.register(crashSpec(name))).state;
  scheduler.add(name, TICK_MS);
  while (!finished(state)) {
    if (n % 3 === 2 && state.phase === 'ramping' && state.percentage === 50) {
      if ((await store.queuedCommands(name)).length === 0) {
        await scheduler.applyNow({
          rollout: name,
          kind: 'rollback',
          actor: 'operator',
          reason: 'looks wrong',
        });
      }
    }
    await ticker.advance(TICK_MS);
    await scheduler.idle();
    state = (await store.getRollout(name)) ?? state;
  }
  scheduler.remove(name);
}
await store.close();
process.stdout.write('done\n');
