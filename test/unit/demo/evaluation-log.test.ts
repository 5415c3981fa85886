import { describe, expect, it } from 'vitest';
import { EvaluationLog } from '../../../src/demo/evaluation-log.js';
import { exposureRows } from '../../../src/demo/exposure-check.js';

describe('EvaluationLog', () => {
  it('records what the service asked, answered and the SDK served, per account within a window', () => {
    let now = 1000;
    let served = 5;
    const onFor = new Set(['a']);
    const log = new EvaluationLog(
      { isEnforced: (u) => onFor.has(u) },
      () => served,
      () => now,
    );
    expect(log.isEnforced('a')).toBe(true);
    expect(log.isEnforced('b')).toBe(false);
    now = 2000;
    served = 25;
    onFor.add('b');
    log.isEnforced('b');
    log.isEnforced('c');
    now = 3000;
    log.isEnforced('d');
    expect(log.accountsIn(1000, 2000)).toEqual([
      { userId: 'a', on: true, maxServed: 5 },
      { userId: 'b', on: true, maxServed: 25 },
      { userId: 'c', on: false, maxServed: 25 },
    ]);
    expect(log.accountsIn(1500, 2500).map((a) => a.userId)).toEqual(['b', 'c']);
  });
});

describe('exposureRows', () => {
  it('prints the command and the comparison, and explains accounts seen before the SDK fetched the step', () => {
    const rows = exposureRows({
      command: 'rampart exposure mfa-staff --from A --to B --users ACCOUNTS_FILE',
      window: { from: 'A', to: 'B', percentage: 25 },
      accounts: 51,
      listed: 12,
      sdkOn: 11,
      differences: [],
      beforeFetch: 1,
      outOfScope: 0,
      undecided: 0,
    });
    expect(rows[0]).toEqual(['exposure', 'rampart exposure mfa-staff --from A --to B --users ACCOUNTS_FILE']);
    expect(rows[1]?.[1]).toBe(
      'rampart lists 12 of the 51 accounts the login service evaluated in the fault window; its unleash-client ' +
        'evaluated the flag on for 11: 0 differences, 0 out of scope, 0 undecided; 1 more listed was seen only ' +
        'before the SDK fetched the 25 % step (the flag was on for them, the SDK had not polled yet)',
    );
  });
});
