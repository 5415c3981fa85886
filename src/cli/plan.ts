import { readFile } from 'node:fs/promises';
import type { StepPower } from '../analysis/power-plan.js';
import { planPower } from '../analysis/power-plan.js';
import { formatIssue } from '../errors/validation-error.js';
import { powerPlanBasis } from '../guardrails/power-plan-basis.js';
import { guardrailPlans } from '../guardrails/registry.js';
import { describeStart } from '../rollout/start-policy.js';
import { formatDuration } from '../rollout-spec/duration.js';
import { parseRolloutSpec } from '../rollout-spec/parse-rollout-spec.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import type { Command } from './command.js';
import { EXIT, usageError } from './command.js';
import { table } from './format-table.js';
import { humanDuration } from './human-format.js';
import { renderHolds } from './plan-holds.js';
import type { PlannedStep } from './plan-timeline.js';
import { PLAN_HORIZON_MS, planTimeline } from './plan-timeline.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** `Mon 2026-11-30 10:15 GMT+1` on the wall clock of `timezone`. */
export function formatLocal(at: Date | undefined, timezone: string): string {
  if (!at) return 'never (no allowed window within 366 days)';
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

function describeWindows(spec: RolloutSpec): string {
  const w = spec.windows;
  if (!w) return 'none (steps may advance at any time)';
  const allow = w.allow === undefined ? 'always' : `"${w.allow}"`;
  const deny = w.deny.length === 0 ? 'none' : w.deny.map((d) => `"${d}"`).join(', ');
  return `allow ${allow}; deny ${deny}; timezone ${w.timezone}`;
}

function percent(share: number | undefined): string {
  return share === undefined ? '-' : `${(share * 100).toFixed(1)} pts`;
}

function seconds(s: number | undefined): string {
  return s === undefined ? '-' : formatDuration(Math.max(1, Math.round(s)) * 1000);
}

function renderText(
  file: string,
  spec: RolloutSpec,
  start: Date,
  steps: PlannedStep[],
  power?: StepPower[],
  holds?: string[],
): string {
  const tz = spec.windows?.timezone ?? 'UTC';
  const header = [
    `Plan of rollout ${spec.name} (${file}), earliest times if every guardrail passes`,
    `  start      ${start.toISOString()} = ${formatLocal(start, tz)}; the rollout ${describeStart(spec.start)}`,
    `  windows    ${describeWindows(spec)}`,
    `  bake       ${formatDuration(spec.bake)} per step, and at least ${spec.minSamples} treatment events`,
    `  soak       ${formatDuration(spec.soak)} at 100 % before it completes (threshold, zero, promql guardrails and alerts still roll back)`,
    `  approvals  ${spec.approvals ? `steps above ${spec.approvals.above} % wait for a release manager` : 'none'}`,
    '',
  ];
  const head = [
    'step',
    'percent',
    `reached (${tz})`,
    'min bake',
    'can advance',
    'approval to enter',
    'held by windows',
  ];
  if (power) head.push('treatment in bake', 'detectable drop', 'outage caught in');
  const rows = [head];
  for (const s of steps) {
    const last = s.index === steps.length - 1;
    const row = [
      String(s.index + 1),
      `${s.percentage} %`,
      formatLocal(s.reachedAt, tz),
      `${formatDuration(s.bakeMs)}${last ? ' (soak)' : ''}`,
      `${formatLocal(s.advanceAt, tz)}${last && s.advanceAt ? ' (complete)' : ''}`,
      s.approval ? 'required' : '-',
      s.windowWaitMs > 0 ? humanDuration(s.windowWaitMs) : '-',
    ];
    const p = power?.[s.index];
    if (p)
      row.push(
        String(Math.round(p.treatmentSamplesInBake)),
        percent(p.minDetectableDrop),
        seconds(p.expectedSecondsToDetectOutage),
      );
    rows.push(row);
  }
  const notes = (power ?? [])
    .filter((p) => p.warning)
    .map((p) => `  step ${p.stepIndex + 1} (${p.percentage} %): ${p.warning}`);
  const footer = notes.length > 0 ? ['', 'Power warnings:', ...notes] : [];
  return `${[...header, table(rows), ...footer, ...(holds ?? [])].join('\n')}\n`;
}

export const planCommand: Command = {
  name: 'plan',
  summary:
    "Print a rollout's step timeline: percentages, minimum bake, earliest advances given the windows, approvals.",
  usage: 'rampart plan FILE [--start ISO] [--traffic N/min] [--json]',
  details: `Arguments:
  FILE              A rollout spec.

Options:
  --start ISO       When the rollout starts, e.g. 2026-11-30T09:00:00Z (default: now).
  --traffic N/min   Events per minute across both arms of each guardrail's metric as its
                    matchers select it (e.g. logins): adds treatment events per bake, the
                    smallest detectable drop of the compare guardrail (80 % power by the end of
                    the step's bake, evidence accumulated since the first step), the expected
                    time to catch a total outage, with warnings for under-powered steps, and
                    the expected hold of every guardrail (compare and rate: the
                    non-inferiority gate before 100 %; srm: settle and exposures; threshold:
                    minEvents). Where matchers select a subset, the estimate says it assumes
                    all the traffic matches.
  --json            Print the plan as JSON (times as ISO 8601 UTC).
  -h, --help

The timeline is the earliest possible one: each bake starts when the previous step advanced,
every advance (and the final completion) waits for the windows, approvals are given at once.

Exit codes:
  0  plan printed
  1  the spec is invalid (its problems are printed)
  2  usage error`,
  options: { start: { type: 'string' }, traffic: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, { io }) {
    const [file, ...extra] = positionals;
    if (file === undefined) return usageError(io, planCommand, 'missing FILE');
    if (extra.length > 0) return usageError(io, planCommand, `one FILE only; also got ${extra.join(' ')}`);
    const startText = values.start;
    let start = io.now();
    if (typeof startText === 'string') {
      start = new Date(startText);
      if (!ISO.test(startText) || Number.isNaN(start.getTime())) {
        return usageError(
          io,
          planCommand,
          `--start "${startText}" is not an ISO 8601 time such as 2026-11-30T09:00:00Z`,
        );
      }
    }
    let traffic: number | undefined;
    if (typeof values.traffic === 'string') {
      const match = /^(\d+(?:\.\d+)?)(?:\/min)?$/.exec(values.traffic);
      traffic = match ? Number(match[1]) : Number.NaN;
      if (!(traffic > 0)) {
        return usageError(
          io,
          planCommand,
          `--traffic "${values.traffic}" is not a positive rate such as 600 or 600/min`,
        );
      }
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      return usageError(
        io,
        planCommand,
        `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const parsed = parseRolloutSpec(text, file);
    if (!parsed.ok) {
      for (const issue of parsed.error.issues) io.err(`${formatIssue(issue)}\n`);
      return EXIT.failed;
    }
    const spec = parsed.value;
    const steps = planTimeline(spec, start, PLAN_HORIZON_MS);
    const power = traffic === undefined ? undefined : planPower(spec, powerPlanBasis(spec), traffic);
    // Every guardrail's hold, each kind estimating its own (compare, rate, srm, threshold, zero).
    const holds = traffic === undefined ? undefined : guardrailPlans({ spec, perMinute: traffic });
    if (values.json) {
      const json = {
        rollout: spec.name,
        file,
        start: start.toISOString(),
        timezone: spec.windows?.timezone ?? 'UTC',
        startPolicy: describeStart(spec.start),
        soak: formatDuration(spec.soak),
        steps: steps.map((s) => ({
          step: s.index + 1,
          percentage: s.percentage,
          reachedAt: s.reachedAt?.toISOString() ?? null,
          bake: formatDuration(s.bakeMs),
          advanceAt: s.advanceAt?.toISOString() ?? null,
          approval: s.approval,
          windowWait: formatDuration(s.windowWaitMs),
          ...(power?.[s.index] ? { power: power[s.index] } : {}),
        })),
        ...(holds ? { guardrails: holds } : {}),
      };
      io.out(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      io.out(
        renderText(
          file,
          spec,
          start,
          steps,
          power,
          holds && traffic ? renderHolds(holds, traffic) : undefined,
        ),
      );
    }
    return EXIT.ok;
  },
};
