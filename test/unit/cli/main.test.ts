import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/cli/command-registry.js';
import { runCli } from './run-cli.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('rampart', () => {
  it('--help lists every command and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const c of commands)
      expect(run.out).toMatch(new RegExp(`^  ${c.name}\\s+${escapeRegExp(c.summary.slice(0, 20))}`, 'm'));
  });

  it('without a command prints the help on stderr and exits 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toContain('Usage: rampart COMMAND [options]');
  });

  it.each(commands.map((c) => c.name))(
    '"%s --help" and "help %s" print the same usage and exit 0',
    async (name) => {
      const viaFlag = await runCli([name, '--help']);
      const viaHelp = await runCli(['help', name]);
      expect(viaFlag.code).toBe(0);
      expect(viaHelp.code).toBe(0);
      expect(viaFlag.out).toMatch(new RegExp(`^Usage: rampart ${name}`));
      expect(viaFlag.out).toContain('Exit codes:');
      expect(viaHelp.out).toBe(viaFlag.out);
    },
  );

  it('suggests a command for a typo and exits 2', async () => {
    const run = await runCli(['valdate']);
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      `rampart: unknown command "valdate"; did you mean "validate"?\nRun 'rampart --help' for the list of commands.\n`,
    );
    expect((await runCli(['help', 'pln'])).err).toContain('unknown command "pln"; did you mean "plan"?');
  });

  it('suggests an option for a typo and exits 2', async () => {
    const run = await runCli(['validate', '--jsn']);
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      "rampart validate: unknown option --jsn; did you mean --json?\nUsage: rampart validate [PATH...] [--json]\nRun 'rampart validate --help' for details.\n",
    );
  });

  it('rejects an option before the command and a missing option value', async () => {
    expect((await runCli(['--json', 'validate'])).code).toBe(2);
    const run = await runCli(['plan', 'flags/mfa-staff.yaml', '--start']);
    expect(run.code).toBe(2);
    expect(run.err).toContain("rampart plan: Option '--start <value>' argument missing");
  });
});
