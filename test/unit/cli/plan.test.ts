import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../../src/cli/human-format.js';
import { runCli } from './run-cli.js';

interface JsonStep {
  step: number;
  percentage: number;
  reachedAt: string | null;
  advanceAt: string | null;
  approval: boolean;
  bake: string;
  windowWait: string;
  power?: { minDetectableDrop?: number; underpowered: boolean };
}

async function planJson(file: string, start: string, extra: string[] = []): Promise<JsonStep[]> {
  const run = await runCli(['plan', file, '--start', start, '--json', ...extra]);
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.out).steps;
}

/** Berlin wall clock, computed independently of the code under test. */
function berlin(iso: string): { weekday: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Berlin',
    weekday: 'short',
    hour: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  return {
    weekday: parts.find((p) => p.type === 'weekday')?.value ?? '',
    hour: Number(parts.find((p) => p.type === 'hour')?.value),
  };
}

function expectInsideWindows(iso: string | null): void {
  expect(iso).not.toBeNull();
  const { weekday, hour } = berlin(iso ?? '');
  expect(['Mon', 'Tue', 'Wed', 'Thu']).toContain(weekday);
  expect(hour).toBeGreaterThanOrEqual(9);
  expect(hour).toBeLessThanOrEqual(15);
  expect(hour).not.toBe(14);
}

describe('rampart plan', () => {
  it('plans mfa-staff from Monday 2026-11-30 10:00 Berlin', async () => {
    const steps = await planJson('flags/mfa-staff.yaml', '2026-11-30T09:00:00Z');
    expect(steps.map((s) => [s.percentage, s.reachedAt, s.advanceAt, s.approval])).toEqual([
      [1, '2026-11-30T09:00:00.000Z', '2026-11-30T09:15:00.000Z', false],
      [5, '2026-11-30T09:15:00.000Z', '2026-11-30T09:30:00.000Z', false],
      [25, '2026-11-30T09:30:00.000Z', '2026-11-30T09:45:00.000Z', false],
      [50, '2026-11-30T09:45:00.000Z', '2026-11-30T10:00:00.000Z', true],
      // The last step soaks (1h by default) and completes: completing writes nothing, so no window holds it.
      [100, '2026-11-30T10:00:00.000Z', '2026-11-30T11:00:00.000Z', true],
    ]);
    expect(steps.map((s) => s.bake)).toEqual(['15m', '15m', '15m', '15m', '1h']);
  });

  it('holds an advance out of the daily 14:00 Berlin deny hour', async () => {
    const steps = await planJson('flags/mfa-staff.yaml', '2026-11-30T12:50:00Z'); // 13:50 Berlin
    expect(steps[0]?.advanceAt).toBe('2026-11-30T14:00:00.000Z'); // 15:00 Berlin, not 14:05
    expect(steps[0]?.windowWait).toBe('55m');
  });

  it.each([
    '2026-11-30T09:00:00Z',
    '2026-11-30T07:00:00Z',
    '2026-12-02T11:30:00Z',
    '2026-12-03T14:40:00Z',
    '2026-12-05T12:00:00Z',
    '2027-03-25T12:00:00Z', // across the spring DST change
  ])('never advances outside Mon-Thu 9-15 or inside 14:00 Berlin (2h bake, start %s)', async (start) => {
    const steps = await planJson('test/fixtures/specs/valid-berlin-slow.yaml', start);
    expect(steps).toHaveLength(5);
    let previous = new Date(start).getTime();
    for (const s of steps) {
      const last = s.step === steps.length;
      expectInsideWindows(s.reachedAt);
      // The soak's end completes without a write, so only the advances are held by the windows.
      if (!last) expectInsideWindows(s.advanceAt);
      const reached = new Date(s.reachedAt ?? '').getTime();
      const advance = new Date(s.advanceAt ?? '').getTime();
      expect(reached).toBeGreaterThanOrEqual(previous);
      expect(advance - reached).toBeGreaterThanOrEqual(last ? 3_600_000 : 2 * 3_600_000);
      previous = advance;
    }
  });

  it('moves from Thursday afternoon to Monday morning', async () => {
    const steps = await planJson('test/fixtures/specs/valid-berlin-slow.yaml', '2026-12-03T13:00:00Z'); // Thu 14:00
    expect(steps[0]?.reachedAt).toBe('2026-12-03T14:00:00.000Z'); // Thu 15:00 Berlin
    expect(steps[0]?.advanceAt).toBe('2026-12-07T08:00:00.000Z'); // Mon 09:00 Berlin
  });

  it('prints a readable table with local times and approvals', async () => {
    const run = await runCli(['plan', 'flags/mfa-staff.yaml', '--start', '2026-11-30T12:50:00Z']);
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[0]).toBe(
      'Plan of rollout mfa-staff (flags/mfa-staff.yaml), earliest times if every guardrail passes',
    );
    expect(lines).toContain('  windows    allow "* 9-15 * * 1-4"; deny "* 14 * * *"; timezone Europe/Berlin');
    const row = (step: number) => lines.find((l) => l.startsWith(`${step}  `))?.split(/\s{2,}/);
    expect(row(1)).toEqual([
      '1',
      '1 %',
      'Mon 2026-11-30 13:50 GMT+1',
      '15m',
      'Mon 2026-11-30 15:00 GMT+1',
      '-',
      '55m',
    ]);
    expect(row(4)?.[5]).toBe('required');
    expect(row(5)?.[3]).toBe('1h (soak)');
    // Reached Mon 15:45; the soak's end is no advance, so the windows do not hold it until Tuesday.
    expect(row(5)?.[4]).toBe('Mon 2026-11-30 16:45 GMT+1 (complete)');
    expect(lines).toContain(
      '  start      2026-11-30T12:50:00.000Z = Mon 2026-11-30 13:50 GMT+1; the rollout waits for rampart start',
    );
  });

  it('adds power columns and warnings with --traffic', async () => {
    const full = 'test/fixtures/specs/valid-v1-flagship.yaml';
    const steps = await planJson(full, '2026-11-30T09:00:00Z', ['--traffic', '600/min']);
    expect(steps[0]?.power?.underpowered).toBe(true);
    expect(steps[3]?.power?.minDetectableDrop).toBeLessThan(0.1);
    const run = await runCli(['plan', full, '--start', '2026-11-30T09:00:00Z', '--traffic', '600']);
    expect(run.out).toContain('treatment in bake');
    expect(run.out).toMatch(/Power warnings:\n {2}step 1 \(1 %\): under-powered/);
  });

  it('says per step how many users a users guardrail sees and names the canary steps', async () => {
    const run = await runCli(['plan', 'flags/mfa-staff.yaml', '--traffic', '300/min']);
    expect(run.out).toContain(
      'canary step(s) 1 % (~3 treatment users), 5 % (~15 treatment users), 25 % (~75 treatment users), ' +
        '50 % (~150 treatment users): population 300 is too small to show the rate below 1.5x there',
    );
    // 300 exposed users a minute see 285 of 300 staff within a minute: the bake is the longer wait.
    expect(run.out).toContain(
      '1 %: 3 treatment users per bake, a canary: waits to see 95 % of the population, canaryMaxWait at most (~1 min)',
    );
  });

  it('estimates the hold of every guardrail with --traffic, naming the matchers each assumes', async () => {
    const file = 'test/fixtures/specs/valid-full.yaml';
    const args = ['plan', file, '--start', '2026-11-30T09:00:00Z', '--traffic', '600'];
    const json = JSON.parse((await runCli([...args, '--json'])).out) as {
      guardrails: {
        guardrail: string;
        kind: string;
        seconds: number | null;
        text: string;
        assumes: string | null;
      }[];
    };
    expect(json.guardrails.map((g) => [g.guardrail, g.kind])).toEqual([
      ['login-success', 'compare'],
      ['logout-loop', 'rate'],
      ['global-success', 'threshold'],
      ['error-rate', 'threshold'],
      ['enrollment-integrity', 'zero'],
      ['exposure-balance', 'srm'],
      ['p99-latency', 'promql'],
    ]);
    const by = Object.fromEntries(json.guardrails.map((g) => [g.guardrail, g]));
    expect(by['login-success']?.assumes).toBe(
      'assumes all 600/min match login_attempts_total{app="login",route="login"}',
    );
    expect(by['logout-loop']?.text).toMatch(/(holds|no hold) at 10 %/);
    // srm: settle 2m + 20 exposures in the 1 % arm of 600/min at step 1 (its longest hold).
    expect(by['exposure-balance']?.seconds).toBeCloseTo((2 + 20 / 6) * 60, 6);
    expect(by['p99-latency']?.text).toBe('not estimated: not a statistical guardrail');
    const text = (await runCli(args)).out;
    expect(text).toContain("Hold estimates at 600/min of each guardrail's metric (both arms)");
    expect(text).toMatch(
      /logout-loop +rate +logouts_total\{app="login"\} per login_attempts_total\{app="login"\}/,
    );
    expect(text).toContain('Matchers select a subset; the estimates assume all the traffic matches:');
  });

  it('uses the injected clock without --start', async () => {
    const run = await runCli(['plan', 'flags/mfa-staff.yaml', '--json'], new Date('2026-12-01T08:30:00Z'));
    expect(JSON.parse(run.out).start).toBe('2026-12-01T08:30:00.000Z');
  });

  it('exits 1 with the problems of an invalid spec', async () => {
    const run = await runCli(['plan', 'test/fixtures/specs/invalid-alpha-zero.yaml']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('invalid-alpha-zero.yaml:8:8: alpha: 0 is not allowed');
  });

  it.each([
    [['plan'], 'missing FILE'],
    [['plan', 'a.yaml', 'b.yaml'], 'one FILE only'],
    [
      ['plan', 'flags/mfa-staff.yaml', '--start', '30.11.2026'],
      '--start "30.11.2026" is not an ISO 8601 time',
    ],
    [['plan', 'flags/mfa-staff.yaml', '--traffic', 'lots'], '--traffic "lots" is not a positive rate'],
    [['plan', 'missing.yaml'], 'cannot read missing.yaml (ENOENT)'],
  ])('exits 2 on usage error %j', async (argv, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
  });
});

describe('humanDuration', () => {
  it.each([
    [55 * 60_000, '55m'],
    [17 * 3_600_000, '17h'],
    [(3 * 1440 + 16 * 60 + 50) * 60_000, '3d 16h 50m'],
    [30_000, '30s'],
  ])('%i ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
