import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detailView, listView } from '../../../src/cli/status.js';
import { rolloutDetail, rolloutSummary } from '../../../src/http/rollout-view.js';
import { type Harness, makeHarness, testSpec } from '../../support/controller-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
  await h.controller.register(testSpec());
});
afterEach(async () => {
  await h.store.close();
});

/** What `GET /api/rollouts/:name` answers, through JSON as the CLI receives it. */
async function wire() {
  const state = await h.controller.status('mfa-staff');
  const flag = await h.backend.read(state.spec.flag);
  const now = h.clock.now();
  return {
    detail: JSON.parse(JSON.stringify(rolloutDetail(state, undefined, flag, now))),
    summary: JSON.parse(JSON.stringify(rolloutSummary(state, now))),
  };
}

describe('rampart status', () => {
  it('says the flag is at 0 % with the failing write, its error and age, not "ramping at 1 %"', async () => {
    h.backend.failWrites = Number.POSITIVE_INFINITY;
    await h.step('mfa-staff', 10_000);
    await h.step('mfa-staff', 190_000);
    const { detail, summary } = await wire();
    const text = detailView(detail);
    expect(text).toContain('mfa-staff: ramping at 0 % as read back (rampart decided 1 %)');
    expect(text).toMatch(
      /^flag write FAILING for 3m: set 1 % \(step\), \d+ failed attempts?, next at \S+: flag backend unavailable \(simulated 503\)$/m,
    );
    expect(listView([summary])).toMatch(/mfa-staff +ramping +1 % \(write failing\)/);
  });

  it('shows one percentage and no write line when the flag reads back as decided', async () => {
    await h.step('mfa-staff', 10_000);
    const { detail, summary } = await wire();
    const text = detailView(detail);
    expect(text).toContain('mfa-staff: ramping at 1 % (step 1 of 5');
    expect(text).not.toContain('decided');
    expect(text).not.toContain('flag write');
    expect(listView([summary])).toMatch(/mfa-staff +ramping +1 % +1\/5/);
  });

  it('escapes ESC, newlines and bidi overrides in a stored reason instead of printing them', async () => {
    await h.step('mfa-staff', 10_000);
    const reason = 'ok\u001b[2J\u001b]0;owned\u0007\nreason: forged \u202eline';
    await h.controller.enqueue({ rollout: 'mfa-staff', kind: 'pause', actor: 'mallory', reason });
    await h.step('mfa-staff', 10_000);
    const { detail, summary } = await wire();
    expect(detail.reason).toContain('\u001b');
    for (const text of [detailView(detail), listView([summary])]) {
      expect(text).toContain('ok\\x1b[2J\\x1b]0;owned\\x07\\nreason: forged \\u202eline');
      for (const raw of ['\u001b', '\u0007', '\u202e']) expect(text).not.toContain(raw);
      expect(text).not.toMatch(/^reason: forged/m);
    }
  });
});
