import type { ContractMetric } from '../dashboards/metrics-contract.js';
import { type RequiredSeries, TARGET_LABELS } from '../guardrails/required-series.js';

type Labels = Readonly<Record<string, string>>;

/** What a source saw of one required selection. */
export interface Observation {
  /** Every series of the metric within the spec's scope (its matchers), `__name__` removed. */
  labelSets: Labels[];
  /** Increase of the selection over the check (summed over its series); undefined: not measured. */
  increase: number | undefined;
}

export type SeriesStatus = 'ok' | 'missing' | 'wrong_labels' | 'never_moved';

/** The verdict on one required selection, as `check-metrics --json` prints it. */
export interface SeriesReport {
  /** `metric{label="value",...}` of the selection, `by variant` when both arms must exist. */
  selector: string;
  guardrails: string[];
  status: SeriesStatus;
  problems: string[];
  warnings: string[];
}

/** Label names that identify a person or a session: one series per user, never a label. */
const PERSONAL =
  /(^|_)(user|session|email|e_?mail|account|login|customer|member)(_?(id|name|key))?$|^(uid|sid|sub|ip)$/i;

/** More values than this for one label is a cardinality problem before it is a metric. */
const MAX_VALUES = 100;

function matches(labels: Labels, matchers: Labels): boolean {
  return Object.entries(matchers).every(([k, v]) => labels[k] === v);
}

function valuesOf(sets: readonly Labels[], label: string): string[] {
  return [...new Set(sets.map((l) => l[label]).filter((v): v is string => v !== undefined))].sort();
}

function selectorText(r: RequiredSeries): string {
  const parts = Object.entries(r.matchers).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const sel = parts.length === 0 ? r.metric : `${r.metric}{${parts.join(',')}}`;
  return r.variant ? `${sel} by ${r.variant.label}` : sel;
}

function labelProblems(r: RequiredSeries, sets: readonly Labels[], metric?: ContractMetric): string[] {
  const problems: string[] = [];
  for (const [label, value] of Object.entries(r.matchers)) {
    const seen = valuesOf(sets, label);
    const meaning = metric?.optional?.[label];
    if (seen.length === 0)
      problems.push(
        `label ${label} is missing (the guardrail selects ${label}="${value}")${meaning ? `: count ${meaning}` : ''}`,
      );
    else if (!seen.includes(value))
      problems.push(`no series with ${label}="${value}"; values seen: ${seen.join(', ')}`);
  }
  return problems.length > 0 ? problems : ['no series carries all of the selected label values together'];
}

function variantProblems(r: RequiredSeries, selected: readonly Labels[]): string[] {
  const v = r.variant;
  if (!v) return [];
  const seen = valuesOf(selected, v.label);
  if (seen.length === 0)
    return [`label ${v.label} is missing: every series needs ${v.label}="${v.treatment}" or "${v.control}"`];
  return [v.treatment, v.control]
    .filter((value) => !seen.includes(value))
    .map(
      (value) =>
        `no series with ${v.label}="${value}": create it at 0 when the service starts, for both variants, so its first increase is seen`,
    );
}

function contractFindings(
  metric: ContractMetric | undefined,
  sets: readonly Labels[],
  variantLabel: string | undefined,
) {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!metric) return { problems, warnings };
  for (const label of metric.labels) {
    const name = label === 'variant' && variantLabel ? variantLabel : label;
    if (valuesOf(sets, name).length > 0) continue;
    const meaning = metric.optional?.[label];
    // A later label: guardrails that select it fail in labelProblems; the rest still work.
    if (meaning)
      warnings.push(
        `label ${name} is missing; the metrics contract gives ${metric.name} the labels ${metric.labels.join(', ')} (${meaning}); guardrails selecting ${name} find no series`,
      );
    else
      problems.push(
        `label ${name} is missing; the metrics contract gives ${metric.name} the labels ${metric.labels.join(', ')}`,
      );
  }
  for (const [label, allowed] of Object.entries(metric.values ?? {})) {
    // The variant's values are the spec's to name (variant.treatment / variant.control).
    if (label === 'variant') continue;
    const other = valuesOf(sets, label).filter((v) => !allowed.includes(v));
    if (other.length > 0)
      warnings.push(
        `${label} has values outside the metrics contract (${allowed.join(', ')}): ${other.join(', ')}`,
      );
  }
  return { problems, warnings };
}

function labelHygiene(sets: readonly Labels[]) {
  const problems: string[] = [];
  const warnings: string[] = [];
  const names = [...new Set(sets.flatMap((l) => Object.keys(l)))]
    .filter((n) => !TARGET_LABELS.includes(n))
    .sort();
  for (const name of names) {
    if (PERSONAL.test(name))
      problems.push(
        `label ${name} must never be a label: it makes one series per user (count users, do not label them)`,
      );
    else if (valuesOf(sets, name).length > MAX_VALUES)
      warnings.push(`label ${name} has more than ${MAX_VALUES} values: a label must be a small, fixed set`);
  }
  return { problems, warnings };
}

function inScope(r: RequiredSeries): string {
  const parts = Object.entries(r.scope).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length === 0 ? '' : ` with ${parts.join(',')} (the spec's matchers)`;
}

/** Judges one required selection against what a source saw of its metric. */
export function checkSeries(
  r: RequiredSeries,
  seen: Observation,
  contract: readonly ContractMetric[],
): SeriesReport {
  const base = { selector: selectorText(r), guardrails: r.guardrails };
  const sets = seen.labelSets;
  if (sets.length === 0)
    return {
      ...base,
      status: 'missing',
      problems: [`no series named ${r.metric}${inScope(r)}`],
      warnings: [],
    };
  const hygiene = labelHygiene(sets);
  const selected = sets.filter((l) => matches(l, r.matchers));
  const known = contract.find((m) => m.name === r.metric);
  const agreed = contractFindings(known, sets, r.variant?.label);
  const warnings = [...hygiene.warnings, ...agreed.warnings];
  const wrong = [
    ...(selected.length === 0 ? labelProblems(r, sets, known) : variantProblems(r, selected)),
    ...agreed.problems,
    ...hygiene.problems,
  ];
  if (wrong.length > 0) return { ...base, status: 'wrong_labels', problems: wrong, warnings };
  if (r.mustMove && seen.increase === 0) {
    return {
      ...base,
      status: 'never_moved',
      problems: [
        'did not increase during the check: is the service getting traffic, and does it count it here?',
      ],
      warnings,
    };
  }
  return { ...base, status: 'ok', problems: [], warnings };
}
