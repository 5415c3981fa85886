import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../src/analysis/verdict.js';
import { Controller } from '../../../src/controller/controller.js';
import type { Logger } from '../../../src/controller/logger.js';
import { Scheduler } from '../../../src/controller/scheduler.js';
import type { VerdictRequest, VerdictSource } from '../../../src/controller/verdict-source.js';
import { makeHarness, testSpec } from '../../support/controller-harness.js';

/** A verdict source whose answers the test releases by hand, to hold a tick open. */
class GatedVerdictSource implements VerdictSource {
  calls = 0;
  concurrent = 0;
  maxConcurrent = 0;
  throwNext = false;
  private release: (() => void)[] = [];

  async verdicts(req: VerdictRequest): Promise<Verdict[]> {
    this.calls += 1;
    if (this.throwNext) {
      this.throwNext = false;
      throw new Error('boom');
    }
    this.concurrent += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    await new Promise<void>((resolve) => this.release.push(resolve));
    this.concurrent -= 1;
    return req.spec.guardrails.map((g) => ({
      guardrail: g.name,
      kind: g.kind,
      status: 'inconclusive',
      onFail: 'rollback',
      reason: 'held',
      evidence: {},
    }));
  }

  releaseAll(): void {
    for (const r of this.release.splice(0)) r();
  }
}

describe('Scheduler', () => {
  it('ticks every spec.tick on the injected ticker', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec());
    h.scheduler.add('mfa-staff', 10_000);
    await h.ticker.advance(0);
    await h.scheduler.idle();
    expect((await h.store.getRollout('mfa-staff'))?.phase).toBe('ramping');
    const before = h.verdicts.requests.length;
    await h.ticker.advance(60_000);
    await h.scheduler.idle();
    expect(h.verdicts.requests.length - before).toBe(6);
    h.scheduler.stop();
    expect(h.ticker.pending).toBe(0);
  });

  it('never overlaps ticks of one rollout: interval ticks that find one running are skipped', async () => {
    const h = await makeHarness();
    const gated = new GatedVerdictSource();
    const controller = new Controller({
      store: h.store,
      flagBackend: () => h.backend,
      verdictSource: gated,
      clock: h.clock,
    });
    const scheduler = new Scheduler({ controller, ticker: h.ticker, clock: h.clock });
    await controller.register(testSpec());
    await controller.tick('mfa-staff'); // pending -> ramping, no verdicts asked
    scheduler.add('mfa-staff', 10_000);
    await h.ticker.advance(50_000);
    expect(gated.calls).toBe(1);
    const explicit = scheduler.runNow('mfa-staff');
    gated.releaseAll();
    await new Promise((r) => setImmediate(r));
    gated.releaseAll();
    await explicit;
    expect(gated.maxConcurrent).toBe(1);
    expect(gated.calls).toBe(2);
    scheduler.stop();
  });

  it('survives a tick that throws: logs it, counts it, and the next tick runs', async () => {
    const h = await makeHarness();
    const errors: string[] = [];
    const logger: Logger = { info() {}, warn() {}, error: (_f, m) => errors.push(m) };
    const seen: unknown[] = [];
    const scheduler = new Scheduler({
      controller: h.controller,
      ticker: h.ticker,
      clock: h.clock,
      logger,
      onTickError: (_r, e) => seen.push(e),
    });
    await h.controller.register(testSpec());
    const original = h.store.queuedCommands.bind(h.store);
    let fail = true;
    h.store.queuedCommands = async (name) => {
      if (fail) {
        fail = false;
        throw new Error('database is locked');
      }
      return original(name);
    };
    scheduler.add('mfa-staff', 10_000);
    await h.ticker.advance(0);
    await scheduler.idle();
    expect(scheduler.tickErrors('mfa-staff')).toBe(1);
    expect(errors).toHaveLength(1);
    expect(String(seen[0])).toMatch(/database is locked/);
    await h.ticker.advance(10_000);
    await scheduler.idle();
    expect((await h.store.getRollout('mfa-staff'))?.phase).toBe('ramping');
    scheduler.stop();
  });

  it('applies a submitted command at once, between interval ticks', async () => {
    const h = await makeHarness();
    await h.controller.register(testSpec());
    h.scheduler.add('mfa-staff', 10_000);
    await h.ticker.advance(0);
    await h.scheduler.idle();
    const cmd = await h.scheduler.applyNow({
      rollout: 'mfa-staff',
      kind: 'pause',
      actor: 'a',
      reason: 'r',
    });
    expect(cmd.status).toBe('applied');
    expect(cmd.appliedAt?.getTime()).toBe(h.clock.now().getTime());
    expect((await h.store.getRollout('mfa-staff'))?.phase).toBe('paused');
    h.scheduler.stop();
  });
});
