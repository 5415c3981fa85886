import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_SCHEDULE } from '../../../src/demo/demo-spec.js';
import { DEFAULT_DEMO_OPTIONS, runDemo } from '../../../src/demo/run-demo.js';

/** `rampart demo` end to end on a short schedule: its summary says which SDK instances took the rollback. */
describe('rampart demo summary', () => {
  it('shows fleet confirmation: the login service’s SDK instance fetched the flag off', async () => {
    let printed = '';
    const result = await runDemo({
      ...DEFAULT_DEMO_OPTIONS,
      users: 300,
      schedule: { ...DEFAULT_DEMO_SCHEDULE, bakeMs: 3000, soakMs: 3000, tickMs: 500, minSamples: 3 },
      timeoutMs: 120_000,
      out: (text) => {
        printed += text;
      },
    });
    expect(result.outcome, printed).toBe('rolled_back');
    expect(printed).toMatch(
      /^fleet confirmed +off on 1 of 1 instances after \d+\.\d s \(slowest demo-login-service\/.+\)$/m,
    );
  }, 150_000);
});
