import { readFile } from 'node:fs/promises';
import type { ExposureReport } from '../exposure/exposure-report.js';
import type { ExposureUser } from '../exposure/user-exposure.js';
import { EXPOSURE_LIMITS } from '../http/exposure-schema.js';
import { RemoteError } from './api-client.js';
import type { Command } from './command.js';
import { EXIT, usageError } from './command.js';
import { escapeText } from './escape-text.js';
import { exposureFromStore } from './exposure-from-store.js';
import { table } from './format-table.js';
import { readAccounts } from './read-accounts.js';
import { clientFor, REMOTE_HELP, REMOTE_OPTIONS } from './remote-options.js';

/** The report as JSON carries it (times as ISO strings). */
type Wire<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;
export type WireReport = Wire<ExposureReport>;

const pct = (share: number) => `${Math.round(share * 10_000) / 100} %`;

/** The human report: the flag, the timeline in the window, the estimate, the accounts. */
function humanReport(r: WireReport): string {
  const lines = [
    `${r.rollout}: flag ${r.flag.name} (stickiness ${r.flag.stickiness}, group ${r.flag.groupId}, scope ${r.flag.scope}` +
      `${r.flag.segments.length > 0 ? `, segments ${r.flag.segments.join(', ')}` : ''})`,
    `window ${r.window.from} to ${r.window.to}: at most ${r.maxPercentage} % served`,
    ...r.timeline.map(
      (p) => `  ${p.from} .. ${p.until}  ${p.percentage} %${p.unknown ? `  UNKNOWN: ${p.unknown}` : ''}`,
    ),
  ];
  const of = r.estimate.population === null ? '' : ` = ${r.estimate.exposed} of ${r.estimate.population}`;
  lines.push(
    `estimate: ${pct(r.estimate.share)} of the accounts in scope had the flag on${of}` +
      `${r.unknown.length > 0 ? ' (at least: part of the window is unknown)' : ''}`,
  );
  const out = lines.map(escapeText);
  if (r.users) {
    const u = r.users;
    out.push(
      `${u.results.length} accounts: ${u.exposed} exposed, ${u.notExposed} not exposed, ${u.undecided} undecided`,
    );
    const rows = u.results.map((x) => [
      x.userId,
      x.status,
      x.status === 'exposed'
        ? `on since ${x.since} at ${x.percentage} % (bucket ${x.bucket ?? '-'})`
        : x.reason,
    ]);
    out.push(table([['ACCOUNT', 'STATUS', 'SINCE / WHY'], ...rows]));
  }
  return `${out.join('\n')}\n`;
}

/** Merges the reports of the batches of one accounts file (the rest of a report is the same). */
function merge(reports: WireReport[]): WireReport {
  const [first, ...rest] = reports;
  if (!first) throw new Error('no report');
  if (!first.users) return first;
  const users = { ...first.users, results: [...first.users.results] };
  for (const r of rest) {
    if (!r.users) continue;
    users.exposed += r.users.exposed;
    users.notExposed += r.users.notExposed;
    users.undecided += r.users.undecided;
    users.results.push(...r.users.results);
  }
  return { ...first, users };
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const exposureCommand: Command = {
  name: 'exposure',
  summary: 'Who had a rollout flag on in a time window: the remediation list after a rollback.',
  usage: 'rampart exposure NAME --from T --to T [--users FILE|-] [--population N] [--ids] [--json]',
  details: `Arguments:
  NAME             The rollout

Options:
  --from T, --to T The window (ISO 8601 with a zone, e.g. 2026-12-01T10:00:00Z). A rollback's
                   audit entry and notification print the exact command for its fault window.
  --users FILE     Accounts to decide, one a line: a userId, or an Unleash context as JSON
                   ({"userId":"u1","accountType":"staff"}) when the scope or stickiness reads
                   other fields; - reads stdin. Each is exposed (with since when), not exposed
                   (why) or undecided (why: a field the input lacks, a hand change, segments).
                   Without it: the share of the accounts in scope that had the flag on.
  --population N   Accounts in scope, to turn the share into a count
  --ids            Print only the ids of the exposed accounts, one a line (for remediation)
  --config FILE    Read the store of this rampart.yaml directly instead of the API
${REMOTE_HELP}`,
  options: {
    ...REMOTE_OPTIONS,
    from: { type: 'string' },
    to: { type: 'string' },
    users: { type: 'string' },
    population: { type: 'string' },
    ids: { type: 'boolean' },
    config: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, { io }) {
    const [name, ...extra] = positionals;
    if (!name || extra.length > 0) return usageError(io, exposureCommand, 'takes exactly one rollout NAME');
    const from = String(values.from ?? '');
    const to = String(values.to ?? '');
    if (!from || !to) return usageError(io, exposureCommand, '--from and --to are required');
    const population = values.population === undefined ? undefined : Number(values.population);
    if (population !== undefined && !(Number.isInteger(population) && population >= 0))
      return usageError(io, exposureCommand, `--population "${values.population}" is not a whole number`);
    let users: ExposureUser[] | undefined;
    if (typeof values.users === 'string') {
      let text: string;
      try {
        text = await readInput(values.users);
      } catch (error) {
        io.err(`rampart exposure: cannot read ${values.users}: ${(error as Error).message}\n`);
        return EXIT.failed;
      }
      const read = readAccounts(text, values.users === '-' ? 'stdin' : values.users);
      if (!read.ok) {
        io.err(`rampart exposure: ${read.problems.map(escapeText).join('\n')}\n`);
        return EXIT.failed;
      }
      users = read.users;
    }
    const query = { from, to, ...(population === undefined ? {} : { population }) };
    let report: WireReport;
    try {
      if (typeof values.config === 'string') {
        report = await exposureFromStore(values.config, name, query, users, io.env);
      } else {
        const client = clientFor(values, io.env);
        const path = `/api/rollouts/${encodeURIComponent(name)}/exposure`;
        const reports: WireReport[] = [];
        // Batches keep each request under the API's limit; the answers are merged in file order.
        const batches = users === undefined ? [undefined] : chunks(users, EXPOSURE_LIMITS.users);
        for (const batch of batches)
          reports.push(
            await client.post<WireReport>(path, {
              ...query,
              ...(batch ? { users: batch.map(wireUser) } : {}),
            }),
          );
        report = merge(reports);
      }
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      io.err(`rampart exposure: ${escapeText(error.message)}\n`);
      return EXIT.failed;
    }
    if (values.ids) {
      const ids = (report.users?.results ?? [])
        .filter((r) => r.status === 'exposed')
        .map((r) => escapeText(r.userId));
      io.out(ids.length > 0 ? `${ids.join('\n')}\n` : '');
    } else io.out(values.json ? `${JSON.stringify(report)}\n` : humanReport(report));
    return EXIT.ok;
  },
};

const wireUser = (u: ExposureUser) => ({ ...u.fields, userId: u.userId });

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}
