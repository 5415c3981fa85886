import { describe, expect, it } from 'vitest';
import { TrafficGenerator } from '../../../src/demo/traffic/traffic-generator.js';
import { exponential, seededRandom } from '../../../src/sim/prng.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { ManualTicker, settle } from '../../../src/time/manual-ticker.js';
import { FakeLoginApi } from './fake-login-api.js';

const noTypos = { typoProbability: 0 };

function setup(mfaUsers: (u: string) => boolean = () => false) {
  const clock = new ManualClock();
  const ticker = new ManualTicker(clock);
  const api = new FakeLoginApi(clock, mfaUsers);
  return { clock, ticker, api };
}

describe('PRNG', () => {
  it('replays the same sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(seqA);
    expect(c.next()).not.toBe(seqA[0]);
  });

  it('draws exponential gaps with mean 1/rate', () => {
    const prng = seededRandom(7);
    let total = 0;
    for (let i = 0; i < 20_000; i++) total += exponential(prng.next(), 4) * 1000;
    expect(total / 20_000).toBeGreaterThan(240);
    expect(total / 20_000).toBeLessThan(260);
  });
});

describe('traffic generator', () => {
  it('arrives at the configured Poisson rate and logs users in', async () => {
    const { clock, ticker, api } = setup();
    const gen = new TrafficGenerator({
      api,
      ticker,
      clock,
      ratePerSecond: 10,
      users: 50,
      seed: 3,
      behaviour: noTypos,
    });
    gen.start();
    await ticker.advance(60_000);
    await gen.stop();
    const s = gen.summary();
    // 600 expected; a Poisson count stays within +/- 4 sigma (about 98).
    expect(s.arrivals).toBeGreaterThan(500);
    expect(s.arrivals).toBeLessThan(700);
    expect(s.loginsOk).toBe(s.arrivals);
    expect(s.loginsFailed + s.errors + s.dropped).toBe(0);
    expect(s.logouts).toBeGreaterThan(s.arrivals * 0.2);
    expect(s.logouts).toBeLessThan(s.arrivals * 0.4);
  });

  it('enrolls MFA users once, keeps their secret and answers challenges with TOTP codes', async () => {
    const { clock, ticker, api } = setup(() => true);
    const gen = new TrafficGenerator({ api, ticker, clock, ratePerSecond: 5, users: 3, behaviour: noTypos });
    gen.start();
    await ticker.advance(20_000);
    await gen.stop();
    const s = gen.summary();
    expect(s.enrollments).toBe(3);
    expect(api.calls.filter((c) => c.startsWith('enroll'))).toHaveLength(3);
    expect(s.mfaVerified).toBe(s.loginsOk);
    expect(s.loginsOk).toBeGreaterThan(50);
  });

  it('retries after failed logins and counts them', async () => {
    const { clock, ticker, api } = setup();
    const gen = new TrafficGenerator({
      api,
      ticker,
      clock,
      ratePerSecond: 5,
      users: 10,
      behaviour: { typoProbability: 1, maxRetries: 2, retryDelayMs: 100 },
    });
    gen.start();
    await ticker.advance(10_000);
    await gen.stop();
    const s = gen.summary();
    expect(s.loginsOk).toBe(0);
    expect(s.loginsFailed).toBeGreaterThan(0);
    // Each visit that ran to the end tried three times: two of them were retries.
    expect(s.retries).toBeGreaterThanOrEqual(Math.floor((s.loginsFailed * 2) / 3) - 2);
  });

  it('logs out and in again when the session is rejected, up to the cap', async () => {
    const { clock, ticker, api } = setup((u) => u === 'user-1');
    api.rejectMfaSessions = true;
    const gen = new TrafficGenerator({
      api,
      ticker,
      clock,
      ratePerSecond: 1,
      users: 1,
      maxConcurrent: 1,
      behaviour: { ...noTypos, maxRelogins: 4 },
    });
    gen.start();
    await ticker.advance(1_500);
    await gen.stop();
    const s = gen.summary();
    expect(s.arrivals).toBeGreaterThanOrEqual(1);
    const visits = s.arrivals - s.dropped;
    expect(s.relogins).toBe(4 * visits);
    expect(s.reloginCapsHit).toBe(visits);
    expect(s.loginsOk).toBe(5 * visits);
    expect(api.calls.filter((c) => c === 'logout user-1').length).toBe(5 * visits);
  });

  it('caps concurrency and stop() ends hanging visits', async () => {
    const { clock, ticker, api } = setup();
    api.hang = new Promise(() => {});
    const gen = new TrafficGenerator({ api, ticker, clock, ratePerSecond: 20, users: 100, maxConcurrent: 4 });
    gen.start();
    await ticker.advance(5_000);
    expect(gen.running).toBe(4);
    await gen.stop();
    await settle();
    expect(gen.running).toBe(0);
    expect(ticker.pending).toBe(0);
    const s = gen.summary();
    expect(s.dropped).toBe(s.arrivals - 4);
    expect(s.errors + s.loginsFailed).toBe(0);
  });
});

describe('traffic generator stop with grace', () => {
  it('lets running visits finish within the grace period, then ends', async () => {
    const { clock, ticker, api } = setup((u) => u === 'user-1');
    api.rejectMfaSessions = true;
    const gen = new TrafficGenerator({
      api,
      ticker,
      clock,
      ratePerSecond: 1,
      users: 1,
      behaviour: { typoProbability: 1, maxRetries: 3, retryDelayMs: 1000 },
    });
    gen.start();
    // The first arrival is within a few seconds; its visit then waits 1 s, 2 s, 3 s between retries.
    while (gen.summary().arrivals === 0) await ticker.advance(100);
    const stopped = gen.stop({ graceMs: 10_000 });
    await ticker.advance(10_000);
    await stopped;
    const s = gen.summary();
    expect(s.arrivals).toBe(1);
    expect(s.loginsFailed).toBe(4);
    expect(s.retries).toBe(3);
    expect(gen.running).toBe(0);
  });
});
