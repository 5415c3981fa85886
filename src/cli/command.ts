import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './cli-io.js';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Parsed command line of one command. */
export interface CommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface CommandContext {
  io: CliIo;
  /** Every registered command (for `help`). */
  commands: readonly Command[];
}

/** One `rampart` subcommand. Register it in command-registry.ts. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The usage line, e.g. `rampart plan FILE [--start ISO]`. */
  usage: string;
  /** Options, arguments and exit codes, shown by `rampart CMD --help`. */
  details: string;
  /** node:util parseArgs options (`--help` is added for every command). */
  options: OptionsConfig;
  allowPositionals: boolean;
  /** Runs the command; returns the exit code. */
  run(args: CommandArgs, context: CommandContext): Promise<number>;
}

/** The text of `rampart CMD --help`. */
export function commandHelp(command: Command): string {
  return `Usage: ${command.usage}\n\n${command.summary}\n\n${command.details.trimEnd()}\n`;
}

/** Reports a usage error of `command` on stderr and returns exit code 2. */
export function usageError(io: CliIo, command: Command | undefined, message: string): number {
  const prefix = command ? `rampart ${command.name}` : 'rampart';
  const hint = command
    ? `Usage: ${command.usage}\nRun 'rampart ${command.name} --help' for details.`
    : "Run 'rampart --help' for the list of commands.";
  io.err(`${prefix}: ${message}\n${hint}\n`);
  return EXIT.usage;
}
