import type { AuditEntry } from '../rollout/audit.js';
import { RemoteError } from './api-client.js';
import type { Command } from './command.js';
import { EXIT, usageError } from './command.js';
import { escapeText } from './escape-text.js';
import { table } from './format-table.js';
import { clientFor, REMOTE_HELP, REMOTE_OPTIONS } from './remote-options.js';

type WireEntry = Omit<AuditEntry, 'at'> & { at: string };

const transition = (phase: string | null, percentage: number | null) =>
  phase === null ? '-' : `${phase} ${percentage ?? 0} %`;

export const auditCommand: Command = {
  name: 'audit',
  summary: "Print a rollout's audit log (who did what, when, why, with the evidence).",
  usage: 'rampart audit NAME [--limit N] [--oldest-first] [--server URL] [--json]',
  details: `Arguments:
  NAME           The rollout

Options:
  --limit N        The newest N entries (default: all, fetched page by page)
  --oldest-first   Take the oldest N instead (with --limit)
  Entries print oldest first either way, like a log; --json keeps that order.
${REMOTE_HELP}`,
  options: { ...REMOTE_OPTIONS, limit: { type: 'string' }, 'oldest-first': { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, { io }) {
    const [name, ...extra] = positionals;
    if (!name || extra.length > 0) return usageError(io, auditCommand, 'takes exactly one rollout NAME');
    const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
    if (values.limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
      return usageError(io, auditCommand, `--limit "${values.limit}" is not a positive integer`);
    const client = clientFor(values, io.env);
    // `--limit 3` asks for the newest three: fetch newest first, then print them in log order.
    const order = values['oldest-first'] ? 'asc' : 'desc';
    let entries: WireEntry[] = [];
    try {
      let cursor: number | null = null;
      do {
        const page = Math.min(500, limit - entries.length);
        const query: string = `order=${order}&limit=${page}${cursor === null ? '' : `&cursor=${cursor}`}`;
        const res: { entries: WireEntry[]; nextCursor: number | null } = await client.get(
          `/api/rollouts/${encodeURIComponent(name)}/audit?${query}`,
        );
        entries.push(...res.entries);
        cursor = res.nextCursor;
      } while (cursor !== null && entries.length < limit);
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      io.err(`rampart audit: ${escapeText(error.message)}\n`);
      return EXIT.failed;
    }
    if (order === 'desc') entries = entries.reverse();
    if (values.json) {
      io.out(`${JSON.stringify(entries)}\n`);
      return EXIT.ok;
    }
    const rows = entries.map((e) => [
      String(e.seq),
      e.at,
      e.actor,
      e.action,
      `${transition(e.fromPhase, e.fromPercentage)} → ${transition(e.toPhase, e.toPercentage)}`,
      e.reason,
    ]);
    io.out(`${table([['SEQ', 'AT', 'ACTOR', 'ACTION', 'TRANSITION', 'REASON'], ...rows])}\n`);
    return EXIT.ok;
  },
};
