import type { LabelMatchers } from '../rollout-spec/rollout-spec-schema.js';

export const COMMAND_KINDS = ['start', 'pause', 'resume', 'approve', 'promote', 'rollback', 'alert'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** An Alertmanager alert as a command: it rolls back when its labels match `spec.alerts.match`. */
export interface AlertPayload {
  labels: LabelMatchers;
  fingerprint?: string;
  status?: 'firing' | 'resolved';
}

interface CommandBase {
  rollout: string;
  /** Who asked: a user name, or `alertmanager`. */
  actor: string;
  reason: string;
  /**
   * Makes resubmitting the command a no-op: a second command with the same key is not queued, the
   * first is returned. Set from a client's Idempotency-Key, or from an alert's identity.
   */
  dedupeKey?: string;
}

/** A command that carries nothing beyond who asked and why. */
export type PlainCommandKind = Exclude<CommandKind, 'promote' | 'alert'>;

/** A request by a person (or Alertmanager) to change a rollout. Every command has an actor and a reason. */
export type CommandInput =
  | (CommandBase & { kind: PlainCommandKind })
  /** `full`: go straight to the last step (100 %). */
  | (CommandBase & { kind: 'promote'; full: boolean })
  | (CommandBase & { kind: 'alert'; alert: AlertPayload });
export type AlertCommand = Extract<CommandInput, { kind: 'alert' }>;

/**
 * What a reader cannot see: whitespace, zero-width characters (U+200B-200D, U+2060, U+FEFF),
 * C0/C1 controls and DEL. A reason made only of these passes a `trim()` yet says nothing.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const INVISIBLE = /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff]/gu;

/** True when nothing visible is left once invisible characters are removed. */
function looksEmpty(text: string | undefined): boolean {
  return typeof text !== 'string' || text.replace(INVISIBLE, '') === '';
}

/**
 * What is wrong with a submitted command. Callers outside TypeScript (HTTP bodies, scripts) can
 * send any shape, so this checks at run time what the type promises.
 */
export function commandIssues(command: CommandInput): { path: string; message: string }[] {
  const issues = [];
  if (!COMMAND_KINDS.includes(command.kind)) {
    issues.push({ path: 'kind', message: `"${command.kind}" is not one of ${COMMAND_KINDS.join(', ')}` });
  }
  if (looksEmpty(command.actor)) issues.push({ path: 'actor', message: 'every command needs an actor' });
  if (typeof command.reason !== 'string' || command.reason.trim() === '') {
    issues.push({ path: 'reason', message: 'every command needs a reason' });
  } else if (looksEmpty(command.reason)) {
    issues.push({
      path: 'reason',
      message:
        'reason has no visible characters (only whitespace, zero-width or control characters); say why in words',
    });
  }
  if (command.kind === 'alert' && !command.alert)
    issues.push({ path: 'alert', message: 'alert needs labels' });
  return issues;
}

export type CommandStatus = 'queued' | 'applied' | 'rejected' | 'ignored';

/** What the queue adds to a command. */
export interface QueueRecord {
  id: number;
  submittedAt: Date;
  status: CommandStatus;
  /** Why it was rejected or ignored, or what it did. */
  result: string | null;
  appliedAt: Date | null;
}

/** A command as stored in the queue. */
export type QueuedCommand = CommandInput & QueueRecord;

/** What a tick decided about the commands it applied. */
export interface CommandOutcome {
  id: number;
  status: Exclude<CommandStatus, 'queued'>;
  result: string;
  at: Date;
}
