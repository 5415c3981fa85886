import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.js';
import { processIo } from './cli-io.js';
import type { Command } from './command.js';
import { commandHelp, EXIT, usageError } from './command.js';
import { commands as registry } from './command-registry.js';
import { globalHelp } from './help.js';
import { suggestCommand, suggestOption } from './suggest.js';

/** node:util parseArgs reports bad input as TypeErrors with these codes. */
function parseArgsProblem(command: Command, error: unknown): string | undefined {
  const { code, message } = error as { code?: string; message?: string };
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return undefined;
  const option = /option '([^']+)'/.exec(message ?? '')?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    return `unknown option ${option}${suggestOption(option, command)}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'takes no arguments';
  return (message ?? code).split('\n')[0]?.replace(/\. To specify.*$/, '') ?? code;
}

/**
 * The `rampart` command line. Returns the exit code: 0 success, 1 invalid input or failed check,
 * 2 usage error. `io` is injected so tests run commands in-process.
 */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo(),
  commands: readonly Command[] = registry,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(globalHelp(commands));
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h') {
    io.out(globalHelp(commands));
    return EXIT.ok;
  }
  if (name.startsWith('-'))
    return usageError(io, undefined, `unknown option ${name}; options come after the command`);
  const command = commands.find((c) => c.name === name);
  if (!command)
    return usageError(io, undefined, `unknown command "${name}"${suggestCommand(name, commands)}`);

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals,
      strict: true,
    });
  } catch (error) {
    const problem = parseArgsProblem(command, error);
    if (problem === undefined) throw error;
    return usageError(io, command, problem);
  }
  if (parsed.values.help) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  return command.run({ values: parsed.values, positionals: parsed.positionals }, { io, commands });
}
