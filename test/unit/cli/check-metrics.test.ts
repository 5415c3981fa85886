import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('rampart check-metrics (usage)', () => {
  it.each([
    [['check-metrics', '--metrics-url', 'http://127.0.0.1:1/metrics'], '--spec FILE is required'],
    [
      ['check-metrics', '--spec', 'flags/mfa-staff.yaml'],
      'give exactly one of --prometheus URL and --metrics-url URL',
    ],
    [
      [
        'check-metrics',
        '--spec',
        'flags/mfa-staff.yaml',
        '--prometheus',
        'http://a',
        '--metrics-url',
        'http://b',
      ],
      'give exactly one of --prometheus URL and --metrics-url URL',
    ],
    [['check-metrics', '--spec', 'nope.yaml', '--prometheus', 'http://a'], 'no such file: nope.yaml'],
    [
      ['check-metrics', '--spec', 'flags/mfa-staff.yaml', '--prometheus', 'ftp://a'],
      '--prometheus must be an http(s) URL',
    ],
    [
      ['check-metrics', '--spec', 'flags/mfa-staff.yaml', '--metrics-url', 'a:1'],
      '--metrics-url must be an http(s) URL',
    ],
    [
      ['check-metrics', '--spec', 'flags/mfa-staff.yaml', '--prometheus', 'http://a', '--window', 'soon'],
      '--window and --interval are durations such as 30s or 5m',
    ],
    [
      [
        'check-metrics',
        '--spec',
        'flags/mfa-staff.yaml',
        '--prometheus',
        'http://a',
        '--token-env',
        'NO_SUCH_TOKEN',
      ],
      '--token-env NO_SUCH_TOKEN: the variable is not set',
    ],
  ])('%j is a usage error', async (argv, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`rampart check-metrics: ${message}`);
  });

  it('reports an invalid spec with exit 1 before reading anything', async () => {
    const run = await runCli([
      'check-metrics',
      '--spec',
      'test/fixtures/specs/invalid-alpha-zero.yaml',
      '--prometheus',
      'http://127.0.0.1:1',
    ]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('invalid-alpha-zero.yaml');
  });
});
