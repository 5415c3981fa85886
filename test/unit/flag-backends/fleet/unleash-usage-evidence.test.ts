import { describe, expect, it } from 'vitest';
import {
  describeUsageEvidence,
  type UsageBucket,
  usageBetween,
} from '../../../../src/flag-backends/fleet/unleash-usage-evidence.js';

const H = (h: number) => new Date(Date.UTC(2026, 11, 1, h));
const bucket = (
  appName: string,
  hour: number,
  yes: number,
  no: number,
  environment = 'production',
): UsageBucket => ({
  appName,
  environment,
  timestamp: H(hour),
  yes,
  no,
});

describe('usageBetween', () => {
  it('counts per application what was reported between the reads, across an hour rollover', () => {
    const before = [bucket('login', 9, 100, 300), bucket('billing', 9, 5, 5), bucket('old', 8, 50, 0)];
    const after = [
      bucket('login', 9, 100, 340),
      bucket('login', 10, 0, 60),
      bucket('billing', 9, 7, 9),
      bucket('old', 8, 50, 0),
      bucket('login', 10, 9, 9, 'staging'),
    ];
    expect(usageBetween(before, after, 'production', new Date(H(9).getTime() + 59 * 60_000))).toEqual([
      { appName: 'billing', yes: 2, no: 4 },
      { appName: 'login', yes: 0, no: 100 },
    ]);
  });
});

describe('describeUsageEvidence', () => {
  it('says which applications reported only off, and what it cannot tell', () => {
    const text = describeUsageEvidence(
      [
        { appName: 'billing', yes: 2, no: 4 },
        { appName: 'login', yes: 0, no: 100 },
      ],
      { fromS: 70, toS: 140 },
    );
    expect(text).toBe(
      'Unleash client metrics 70-140 s after the rollback: off in 1 of 2 applications (billing 2 on / 4 off (STILL ON somewhere); login 0 on / 100 off); per application and hour only, no instances or revisions',
    );
    expect(describeUsageEvidence([], { fromS: 70, toS: 140 })).toBe(
      'Unleash client metrics: no application reported evaluations 70-140 s after the rollback',
    );
  });
});
