import type { Command } from './command.js';
import { commandHelp, EXIT, usageError } from './command.js';
import { suggestCommand } from './suggest.js';

/** `rampart --help`: the command list. */
export function globalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `rampart: deployment-safety controller for feature-flag rollouts

Usage: rampart COMMAND [options]

Commands:
${list}

Run 'rampart COMMAND --help' (or 'rampart help COMMAND') for a command's options.
Exit codes: 0 success, 1 invalid input or a failed check, 2 usage error.
`;
}

export const helpCommand: Command = {
  name: 'help',
  summary: 'Show the command list, or the options of one command.',
  usage: 'rampart help [COMMAND]',
  details: `Arguments:
  COMMAND   A command name; without it, the list of commands.

Exit codes:
  0  help printed
  2  unknown command`,
  options: {},
  allowPositionals: true,
  async run({ positionals }, { io, commands }) {
    const [name, ...extra] = positionals;
    if (extra.length > 0) return usageError(io, helpCommand, `one COMMAND only; also got ${extra.join(' ')}`);
    if (name === undefined) {
      io.out(globalHelp(commands));
      return EXIT.ok;
    }
    const command = commands.find((c) => c.name === name);
    if (!command)
      return usageError(io, helpCommand, `unknown command "${name}"${suggestCommand(name, commands)}`);
    io.out(commandHelp(command));
    return EXIT.ok;
  },
};
