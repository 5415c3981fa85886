import { didYouMean } from '../rollout-spec/did-you-mean.js';
import type { Command } from './command.js';

/** `; did you mean "validate"?` for a mistyped command name, or nothing. */
export function suggestCommand(name: string, commands: readonly Command[]): string {
  const suggestion = didYouMean(
    name,
    commands.map((c) => c.name),
  );
  return suggestion ? `; did you mean "${suggestion}"?` : '';
}

/** `; did you mean --json?` for a mistyped option of `command`, or nothing. */
export function suggestOption(option: string, command: Command): string {
  const names = [...Object.keys(command.options), 'help'];
  const suggestion = didYouMean(option.replace(/^-+/, ''), names);
  return suggestion ? `; did you mean --${suggestion}?` : '';
}
