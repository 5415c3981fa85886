import { randomUUID } from 'node:crypto';
import { RemoteError } from './api-client.js';
import type { Command } from './command.js';
import { EXIT, usageError } from './command.js';
import { escapeText } from './escape-text.js';
import { clientFor, REMOTE_HELP, REMOTE_OPTIONS } from './remote-options.js';

interface Accepted {
  id: number;
  command: string;
  status: string;
  result: string | null;
  phase: string;
  percentage: number;
}

const SUMMARIES = {
  start: 'Start a pending rollout: its first step is written when the windows (and approvals) allow.',
  pause: 'Pause a rollout: it holds its percentage until resumed.',
  resume: 'Resume a paused rollout, or restart a rolled-back one from its first step.',
  approve: 'Approve the next step of a rollout that waits for a release manager.',
  promote: 'Move a rollout to its next step now (or to 100 % with --full), skipping the bake.',
  rollback: 'Roll a rollout back now: the flag is turned off and the rollout latched.',
} as const;
type Kind = keyof typeof SUMMARIES;

function rolloutCommand(kind: Kind): Command {
  const command: Command = {
    name: kind,
    summary: SUMMARIES[kind],
    usage: `rampart ${kind} NAME --reason TEXT${kind === 'promote' ? ' [--full]' : ''} [--idempotency-key KEY] [--server URL] [--json]`,
    details: `Arguments:
  NAME           The rollout

Options:
  --reason TEXT  Why (required; written to the audit log with your token's name)
${kind === 'promote' ? '  --full         Go straight to the last step (100 %)\n' : ''}  --idempotency-key KEY
                 Sent as Idempotency-Key (default: a new UUID per invocation). A lost answer is
                 retried with it, and the server applies the command once; pass the key an
                 earlier run printed to retry that run safely
${REMOTE_HELP}`,
    options: {
      ...REMOTE_OPTIONS,
      reason: { type: 'string' },
      'idempotency-key': { type: 'string' },
      ...(kind === 'promote' ? { full: { type: 'boolean' } } : {}),
    },
    allowPositionals: true,
    async run({ values, positionals }, { io }) {
      const [name, ...extra] = positionals;
      if (!name || extra.length > 0) return usageError(io, command, 'takes exactly one rollout NAME');
      const reason = typeof values.reason === 'string' ? values.reason.trim() : '';
      if (!reason) return usageError(io, command, '--reason TEXT is required');
      const body = kind === 'promote' && values.full ? { reason, full: true } : { reason };
      const given = values['idempotency-key'];
      // One key per invocation: every retry of this run is the same request to the server.
      const key = typeof given === 'string' && given ? given : randomUUID();
      try {
        const res = await clientFor(values, io.env).post<Accepted>(
          `/api/rollouts/${encodeURIComponent(name)}/${kind}`,
          body,
          key,
        );
        if (values.json) io.out(`${JSON.stringify(res)}\n`);
        else
          io.out(
            `${name}: ${kind} ${res.status} (command ${res.id}); now ${res.phase} at ${res.percentage} %\n`,
          );
        return res.status === 'applied' || res.status === 'queued' ? EXIT.ok : EXIT.failed;
      } catch (error) {
        if (!(error instanceof RemoteError)) throw error;
        io.err(`rampart ${kind}: ${escapeText(error.message)}\n`);
        if (error.retryable) {
          io.err(
            `rampart ${kind}: the command may have been applied; check rampart status ${escapeText(name)}, or rerun with --idempotency-key ${escapeText(key)} (applied at most once)\n`,
          );
        }
        return EXIT.failed;
      }
    },
  };
  return command;
}

export const startCommand = rolloutCommand('start');
export const pauseCommand = rolloutCommand('pause');
export const resumeCommand = rolloutCommand('resume');
export const approveCommand = rolloutCommand('approve');
export const promoteCommand = rolloutCommand('promote');
export const rollbackCommand = rolloutCommand('rollback');
