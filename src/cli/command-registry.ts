import { auditCommand } from './audit.js';
import { checkMetricsCommand } from './check-metrics.js';
import type { Command } from './command.js';
import { dashboardsCommand } from './dashboards.js';
import { demoCommand } from './demo.js';
import { exposureCommand } from './exposure.js';
import { helpCommand } from './help.js';
import { planCommand } from './plan.js';
import {
  approveCommand,
  pauseCommand,
  promoteCommand,
  resumeCommand,
  rollbackCommand,
  startCommand,
} from './rollout-commands.js';
import { runCommand } from './run.js';
import { simulateCommand } from './simulate.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';

/** Every `rampart` subcommand; a new command plugs in with one line here. */
export const commands: readonly Command[] = [
  validateCommand,
  planCommand,
  runCommand,
  statusCommand,
  startCommand,
  pauseCommand,
  resumeCommand,
  approveCommand,
  promoteCommand,
  rollbackCommand,
  auditCommand,
  exposureCommand,
  demoCommand,
  simulateCommand,
  checkMetricsCommand,
  dashboardsCommand,
  helpCommand,
];
