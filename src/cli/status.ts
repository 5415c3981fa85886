import type { Verdict } from '../analysis/verdict.js';
import type { PendingWriteView, RolloutDetail, RolloutSummary } from '../http/rollout-view.js';
import type { FlagWrite } from '../rollout/rollout-state.js';
import { parseDuration } from '../rollout-spec/duration.js';
import { createSystemTicker } from '../time/system-ticker.js';
import { RemoteError } from './api-client.js';
import type { Command } from './command.js';
import { EXIT, usageError } from './command.js';
import { escapeText } from './escape-text.js';
import { table } from './format-table.js';
import { humanDuration } from './human-format.js';
import { clientFor, REMOTE_HELP, REMOTE_OPTIONS } from './remote-options.js';

// A watch loop is the one thing keeping the process alive, so its timer must not be unref'd.
const watchTicker = createSystemTicker({ unref: false });

function writeText(w: FlagWrite): string {
  switch (w.action) {
    case 'set':
      return `set ${w.percentage} %`;
    case 'zero':
      return 'set 0 % with the environment on';
    case 'disable':
      return 'turn the environment off';
    default:
      return w satisfies never;
  }
}

/** A write rampart decided but has not seen read back: how long, how often it failed, and why. */
function pendingWriteLine(p: PendingWriteView): string {
  const what = `${writeText(p.write)} (${p.purpose})`;
  if (p.attempts === 0) return `flag write pending for ${humanDuration(p.ageMs)}: ${what}`;
  const attempts = `${p.attempts} failed attempt${p.attempts === 1 ? '' : 's'}`;
  return (
    `flag write FAILING for ${humanDuration(p.ageMs)}: ${what}, ${attempts}, next at ${p.nextAttemptAt}: ` +
    `${p.lastError ?? 'no error recorded'}`
  );
}

/** The decided percentage, marked when it is not written yet (a list reads no flag). */
function listPercent(r: RolloutSummary): string {
  if (!r.pendingWrite) return `${r.percentage} %`;
  return `${r.percentage} % (${r.pendingWrite.attempts > 0 ? 'write failing' : 'write pending'})`;
}

export function listView(rollouts: RolloutSummary[]): string {
  if (rollouts.length === 0) return 'no rollouts\n';
  const rows = rollouts.map((r) => [
    r.name,
    r.phase,
    listPercent(r),
    r.step === null ? '-' : `${r.step + 1}/${r.steps.length}`,
    r.flag,
    r.refusedSpec ? `spec file reload refused; ${r.reason ?? r.hold ?? ''}` : (r.reason ?? r.hold ?? ''),
  ]);
  return `${table([['ROLLOUT', 'PHASE', 'PERCENT', 'STEP', 'FLAG', 'REASON / HOLD'], ...rows])}\n`;
}

function verdictRow(v: Verdict): string[] {
  return [v.guardrail, v.kind, v.status, v.reason];
}

export function detailView(d: RolloutDetail): string {
  const flag =
    'error' in d.flagReadBack
      ? `unreadable (${d.flagReadBack.error})`
      : `${d.flagReadBack.enabled ? 'on' : 'off'}, ${d.flagReadBack.percentage} %`;
  // The percentage shown is the read-back one; the decision beside it only when they differ.
  const at =
    d.percentageSource === 'decided'
      ? `, decided ${d.decidedPercentage} % (the flag could not be read)`
      : d.percentage === d.decidedPercentage
        ? ` at ${d.percentage} %`
        : ` at ${d.percentage} % as read back (rampart decided ${d.decidedPercentage} %)`;
  const lines = [
    `${d.name}: ${d.phase}${at} (step ${d.step === null ? '-' : d.step + 1} of ${d.steps.length}: ${d.steps.join(' → ')})`,
    `flag ${d.flag} as read back: ${flag}`,
  ];
  if (d.reason) lines.push(`reason: ${d.reason}`);
  if (d.start) {
    const how = d.start === 'waits for rampart start' ? `: rampart start ${d.name} --reason ...` : '';
    lines.push(`start: ${d.start}${how} (nothing is written to the flag before)`);
  }
  if (d.soakEndsAt) lines.push(`soaking at 100 % until ${d.soakEndsAt}, then completed`);
  if (d.hold && d.hold !== d.start) lines.push(`holding: ${d.hold}`);
  if (d.refusedSpec) {
    lines.push('spec file on disk differs from the running spec: its reload was refused');
    for (const problem of d.refusedSpec.problems) lines.push(`  - ${problem}`);
  }
  if (d.pendingApproval)
    lines.push(
      `waiting for approval of ${d.pendingApproval.percentage} %: rampart approve ${d.name} --reason ...`,
    );
  if (d.pendingWrite) lines.push(pendingWriteLine(d.pendingWrite));
  if (d.fleet) lines.push(`fleet: ${d.fleet.waiting ? 'confirming, ' : ''}${d.fleet.summary}`);
  if (d.nextStep) {
    lines.push(`next: ${d.nextStep.percentage} %, earliest ${d.nextStep.earliestAt ?? 'not within a week'}`);
    for (const c of d.nextStep.conditions) lines.push(`  [${c.met ? 'x' : ' '}] ${c.name}: ${c.detail}`);
  }
  // Every line holds stored text (reasons, holds, errors): escaped whole, so none adds a line.
  const shown = lines.map(escapeText);
  if (d.verdicts.length > 0) {
    shown.push('', table([['GUARDRAIL', 'KIND', 'VERDICT', 'REASON'], ...d.verdicts.map(verdictRow)]));
  }
  return `${shown.join('\n')}\n`;
}

/** What /readyz says about leadership (absent on a server that predates it). */
interface LeaderFacts {
  replica?: string;
  role?: 'leader' | 'follower';
  leader?: { replica: string; epoch: number } | null;
}

/** The leader line, or '' when the server reports no leadership facts. */
export function leaderLine(facts: LeaderFacts): string {
  if (facts.role === undefined) return '';
  const via = facts.role === 'follower' && facts.replica ? `; answered by follower ${facts.replica}` : '';
  const leader = facts.leader ? `${facts.leader.replica} (epoch ${facts.leader.epoch})` : 'none elected';
  return `${escapeText(`leader: ${leader}${via}`)}\n`;
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show rollouts (or one rollout in detail) from a running rampart.',
  usage: 'rampart status [NAME] [--watch] [--server URL] [--json]',
  details: `Arguments:
  NAME           One rollout: flag as read back, verdicts, conditions of the next advance

Options:
  --watch        Refresh every --interval until interrupted (or --count times)
  --interval D   Refresh interval with --watch (default 2s)
  --count N      Stop after N refreshes with --watch
${REMOTE_HELP}`,
  options: {
    ...REMOTE_OPTIONS,
    watch: { type: 'boolean' },
    interval: { type: 'string' },
    count: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, { io }) {
    if (positionals.length > 1) return usageError(io, statusCommand, 'takes at most one rollout NAME');
    const intervalMs = parseDuration(String(values.interval ?? '2s'));
    if (intervalMs === undefined || intervalMs <= 0)
      return usageError(io, statusCommand, `--interval "${values.interval}" is not a duration such as 2s`);
    const count = values.count === undefined ? Number.POSITIVE_INFINITY : Number(values.count);
    if (values.count !== undefined && !(Number.isInteger(count) && count >= 1))
      return usageError(io, statusCommand, `--count "${values.count}" is not a positive integer`);
    const client = clientFor(values, io.env);
    const name = positionals[0];
    // /readyz answers 503 while a dependency is down; the leader line is a nicety, never an error.
    const leader = async () =>
      values.json ? '' : leaderLine(await client.get<LeaderFacts>('/readyz').catch(() => ({})));
    const show = async () => {
      io.out(await leader());
      if (name) {
        const detail = await client.get<RolloutDetail>(`/api/rollouts/${encodeURIComponent(name)}`);
        io.out(values.json ? `${JSON.stringify(detail)}\n` : detailView(detail));
      } else {
        const { rollouts } = await client.get<{ rollouts: RolloutSummary[] }>('/api/rollouts');
        io.out(values.json ? `${JSON.stringify(rollouts)}\n` : listView(rollouts));
      }
    };
    try {
      await show();
      if (!values.watch) return EXIT.ok;
      for (let shown = 1; shown < count; shown++) {
        await new Promise<void>((resolve) => watchTicker.after(intervalMs, resolve));
        if (!values.json) io.out(`\n--- ${io.now().toISOString()}\n`);
        await show();
      }
      return EXIT.ok;
    } catch (error) {
      if (error instanceof RemoteError) {
        io.err(`rampart status: ${escapeText(error.message)}\n`);
        return EXIT.failed;
      }
      throw error;
    }
  },
};
