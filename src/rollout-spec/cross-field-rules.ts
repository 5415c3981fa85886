import { validateDetailed } from 'node-cron';
import { didYouMean } from './did-you-mean.js';
import { formatDuration } from './duration.js';
import type { FieldPath } from './field-path.js';
import { quote } from './field-path.js';
import { guardrailRules } from './guardrail-rules.js';
import { isRecord, type Raw } from './raw-record.js';
import { rolloutSpecSchema } from './rollout-spec-schema.js';
import { SPEC_LIMITS } from './spec-limits.js';
import type { PathIssue } from './zod-issues.js';

/*
 * Rules that span fields or need more than a type check. They read the raw YAML value
 * defensively (anything may have the wrong type: zod reports that) so that a file's schema
 * errors and rule errors are reported together.
 */

const CRON_HELP =
  'expected node-cron syntax "[second] minute hour day-of-month month day-of-week", e.g. "* 9-15 * * 1-4"';

function stepsRule(steps: unknown): PathIssue[] {
  // Too many steps is the schema's to report, once, not once per step.
  if (!Array.isArray(steps) || steps.length > SPEC_LIMITS.steps) return [];
  const issues: PathIssue[] = [];
  let previous: number | undefined;
  steps.forEach((step, i) => {
    if (typeof step !== 'number') return;
    const path = ['steps', i];
    if (!Number.isInteger(step) || step < 1 || step > 100) {
      issues.push({
        path,
        at: 'value',
        message: `${quote(step)} is not allowed; steps are integer percentages from 1 to 100`,
      });
    } else if (previous !== undefined && step <= previous) {
      issues.push({
        path,
        at: 'value',
        message: `${quote(step)} is not allowed; steps must be strictly increasing (previous step is ${previous})`,
      });
    }
    previous = step;
  });
  const last = steps[steps.length - 1];
  if (typeof last === 'number' && Number.isInteger(last) && last >= 1 && last < 100) {
    issues.push({
      path: ['steps', steps.length - 1],
      at: 'value',
      message: `${quote(last)} is not allowed; the last step must be 100`,
    });
  }
  return issues;
}

type DurationField = 'bake' | 'tick' | 'noDataTimeout';

/** The duration in ms, including the schema's default; undefined when zod will reject it anyway. */
function durationOf(spec: Raw, field: DurationField): number | undefined {
  const parsed = rolloutSpecSchema.shape[field].safeParse(spec[field]);
  return parsed.success ? parsed.data : undefined;
}

function atLeastTickRule(spec: Raw, field: 'bake' | 'noDataTimeout'): PathIssue[] {
  const value = durationOf(spec, field);
  const tick = durationOf(spec, 'tick');
  if (value === undefined || tick === undefined || value >= tick) return [];
  const shown = (f: DurationField) => (spec[f] === undefined ? `${f} defaults to` : `${f} is`);
  if (spec[field] === undefined) {
    return [
      {
        path: ['tick'],
        at: 'value',
        message: `${quote(spec.tick)} is not allowed; tick must be <= ${field} (${shown(field)} ${formatDuration(value)})`,
      },
    ];
  }
  return [
    {
      path: [field],
      at: 'value',
      message: `${quote(spec[field])} is not allowed; ${field} must be >= tick (${shown('tick')} ${formatDuration(tick)})`,
    },
  ];
}

function rangeRules(spec: Raw): PathIssue[] {
  const issues: PathIssue[] = [];
  const alpha = spec.alpha;
  if (typeof alpha === 'number' && !(alpha > 0 && alpha <= 0.2)) {
    issues.push({
      path: ['alpha'],
      at: 'value',
      message: `${quote(alpha)} is not allowed; alpha must be > 0 and <= 0.2 (the false-rollback budget of the whole rollout)`,
    });
  }
  const approvals = spec.approvals;
  if (isRecord(approvals) && typeof approvals.above === 'number' && Number.isInteger(approvals.above)) {
    const above = approvals.above;
    if (above < 1 || above > 99) {
      issues.push({
        path: ['approvals', 'above'],
        at: 'value',
        message: `${quote(above)} is not allowed; must be from 1 to 99 (steps above this percentage wait for approval)`,
      });
    }
  }
  return issues;
}

function cronRule(expression: unknown, path: FieldPath): PathIssue[] {
  // An over-long expression is the schema's to report; the cron parser never sees it.
  if (typeof expression !== 'string' || expression.length > SPEC_LIMITS.cron) return [];
  const result = validateDetailed(expression);
  if (result.valid) return [];
  const reasons = result.errors.map((e) =>
    e.message.includes('is a invalid expression for')
      ? `${e.field} field ${quote(e.value)} is invalid`
      : e.message,
  );
  return [
    {
      path,
      at: 'value',
      message: `${quote(expression)} is not a valid cron expression (${reasons.join('; ')}); ${CRON_HELP}`,
    },
  ];
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function windowsRules(windows: unknown): PathIssue[] {
  if (!isRecord(windows)) return [];
  const issues = cronRule(windows.allow, ['windows', 'allow']);
  if (Array.isArray(windows.deny)) {
    windows.deny.slice(0, SPEC_LIMITS.denyWindows).forEach((d, i) => {
      issues.push(...cronRule(d, ['windows', 'deny', i]));
    });
  }
  const zone = windows.timezone;
  if (typeof zone === 'string' && zone.length <= SPEC_LIMITS.name && !isTimeZone(zone)) {
    const suggestion = didYouMean(zone, Intl.supportedValuesOf('timeZone'));
    const hint = suggestion ? ` did you mean ${quote(suggestion)}?` : '';
    issues.push({
      path: ['windows', 'timezone'],
      at: 'value',
      message: `${quote(zone)} is not an IANA time zone;${hint} e.g. "UTC", "Europe/Berlin", "America/New_York"`,
    });
  }
  return issues;
}

/** Every cross-field rule of a rollout spec, applied to the raw YAML value. */
export function rolloutCrossFieldRules(raw: unknown): PathIssue[] {
  if (!isRecord(raw)) return [];
  return [
    ...stepsRule(raw.steps),
    ...atLeastTickRule(raw, 'bake'),
    ...atLeastTickRule(raw, 'noDataTimeout'),
    ...rangeRules(raw),
    ...windowsRules(raw.windows),
    ...guardrailRules(raw.guardrails),
  ];
}
