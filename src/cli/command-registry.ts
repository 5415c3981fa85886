import type { Command } from './command.js';
import { helpCommand } from './help.js';
import { planCommand } from './plan.js';
import { validateCommand } from './validate.js';

/** Every `rampart` subcommand; a new command plugs in with one line here. */
export const commands: readonly Command[] = [validateCommand, planCommand, helpCommand];
