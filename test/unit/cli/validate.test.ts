import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const fixtures = 'test/fixtures/specs';
const invalid = readdirSync(fixtures).filter((f) => f.startsWith('invalid-') && f.endsWith('.yaml'));

describe('rampart validate', () => {
  it('accepts flags/ by default: the rollout specs and the example configuration', async () => {
    const run = await runCli(['validate']);
    expect(run.err).toBe('');
    expect(run.out.split('\n')).toEqual([
      'ok      flags/examples/minimal.yaml (rollout new-checkout)',
      'ok      flags/examples/raw-promql.yaml (rollout login-latency)',
      'ok      flags/mfa-staff.yaml (rollout mfa-staff)',
      '  warning: flags/mfa-staff.yaml: guardrail password-failures: canary step(s) 1 % (~3 treatment users), 5 % (~15 treatment users), 25 % (~75 treatment users), 50 % (~150 treatment users): population 300 is too small to show the rate below 1.5x there, so they advance on the harm tests alone, once 95 % of the population was seen in the step where proveSafe gates it (all of canaryMaxWait while its harm e-value is above 1)',
      '  warning: flags/mfa-staff.yaml: guardrail server-errors: canary step(s) 1 % (~3 treatment users), 5 % (~15 treatment users), 25 % (~75 treatment users), 50 % (~150 treatment users): population 300 is too small to show the rate below 2x there, so they advance on the harm tests alone, once 95 % of the population was seen in the step where proveSafe gates it (all of canaryMaxWait while its harm e-value is above 1)',
      '  warning: flags/mfa-staff.yaml: guardrail logout-loop: canary step(s) 1 % (~3 treatment users), 5 % (~15 treatment users), 25 % (~75 treatment users), 50 % (~150 treatment users): population 300 is too small to show the rate below 1.5x there, so they advance on the harm tests alone, once 95 % of the population was seen in the step where proveSafe gates it (all of canaryMaxWait while its harm e-value is above 1)',
      'ok      flags/rampart.example.yaml (config)',
      '4 file(s) valid',
      '',
    ]);
    expect(run.code).toBe(0);
  });

  it.each(invalid)('rejects %s with its expected message and exit 1', async (name) => {
    const file = `${fixtures}/${name}`;
    const expected = readFileSync(file.replace(/\.yaml$/, '.expected.txt'), 'utf8')
      .trimEnd()
      .split('\n');
    const run = await runCli(['validate', file]);
    expect(run.code).toBe(1);
    const lines = run.out.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^invalid ${file} \\(rollout`));
    expect(lines.slice(1, 1 + expected.length)).toEqual(expected.map((l) => `  ${l}`));
  });

  it('fails when one file of several is invalid, and reports duplicate rollout names', async () => {
    const run = await runCli([
      'validate',
      `${fixtures}/valid-minimal.yaml`,
      `${fixtures}/invalid-alpha-zero.yaml`,
    ]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/1 of 2 file\(s\) invalid, 1 problem\(s\)\n$/);
    const dup = await runCli([
      'validate',
      `${fixtures}/valid-minimal.yaml`,
      `${fixtures}/valid-single-step.yaml`,
    ]);
    expect(dup.code).toBe(1);
    expect(dup.out).toContain(
      `  ${fixtures}/valid-single-step.yaml: name: "login-test" is already the name of ${fixtures}/valid-minimal.yaml`,
    );
  });

  it('prints JSON with --json', async () => {
    const run = await runCli([
      'validate',
      '--json',
      `${fixtures}/valid-minimal.yaml`,
      `${fixtures}/invalid-kind.yaml`,
    ]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out)).toEqual({
      valid: false,
      files: [
        {
          file: `${fixtures}/valid-minimal.yaml`,
          kind: 'Rollout',
          name: 'login-test',
          valid: true,
          issues: [],
        },
        {
          file: `${fixtures}/invalid-kind.yaml`,
          kind: 'Rollout',
          valid: false,
          issues: [
            {
              source: `${fixtures}/invalid-kind.yaml`,
              line: 2,
              column: 7,
              path: 'kind',
              message: '"Rollot" is not allowed; did you mean "Rollout"? allowed: "Rollout"',
            },
          ],
        },
      ],
    });
    const ok = await runCli(['validate', '--json', 'flags/mfa-staff.yaml']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).valid).toBe(true);
  });

  it('exits 2 for a path that does not exist, 1 for a folder without YAML', async () => {
    const missing = await runCli(['validate', 'no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('rampart validate: no such file or directory: no/such/dir');
    const empty = await runCli(['validate', 'src/cli']);
    expect(empty.code).toBe(1);
    expect(empty.out).toBe('no YAML files found in src/cli\n');
  });
});
