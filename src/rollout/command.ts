import type { LabelMatchers } from '../rollout-spec/rollout-spec-schema.js';

export const COMMAND_KINDS = ['pause', 'resume', 'approve', 'promote', 'rollback', 'alert'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** An Alertmanager alert as a command: it rolls back when its labels match `spec.alerts.match`. */
export interface AlertPayload {
  labels: LabelMatchers;
  fingerprint?: string;
  status?: 'firing' | 'resolved';
}

/** A request by a person (or Alertmanager) to change a rollout. Every command has an actor and a reason. */
export interface CommandInput {
  rollout: string;
  kind: CommandKind;
  /** Who asked: a user name, or `alertmanager`. */
  actor: string;
  reason: string;
  /** promote only: go straight to the last step (100 %). */
  full?: boolean;
  /** alert only. */
  alert?: AlertPayload;
}

export type CommandStatus = 'queued' | 'applied' | 'rejected' | 'ignored';

/** A command as stored in the queue. */
export interface QueuedCommand extends CommandInput {
  id: number;
  submittedAt: Date;
  status: CommandStatus;
  /** Why it was rejected or ignored, or what it did. */
  result: string | null;
  appliedAt: Date | null;
}

/** What a tick decided about the commands it applied. */
export interface CommandOutcome {
  id: number;
  status: Exclude<CommandStatus, 'queued'>;
  result: string;
  at: Date;
}
