import { readFile } from 'node:fs/promises';
import { METRICS_CONTRACT } from '../dashboards/metrics-contract.js';
import { AppError } from '../errors/app-error.js';
import { redactUrl } from '../errors/redact-url.js';
import { requiredSeries, TARGET_LABELS, withoutTargetLabels } from '../guardrails/required-series.js';
import { prometheusSourceConfigSchema } from '../metric-sources/metric-source-config.js';
import { createPrometheusHttpApi } from '../metric-sources/prometheus/create-prometheus-http-api.js';
import { AxiosScrapeTransport } from '../metric-sources/scrape/scrape-transport.js';
import { checkSeries, type SeriesReport } from '../metrics-check/check-series.js';
import {
  metricsUrlReader,
  prometheusReader,
  type QueryCheck,
  type SeriesReader,
} from '../metrics-check/series-readers.js';
import { formatDuration, parseDuration } from '../rollout-spec/duration.js';
import { parseRolloutSpec } from '../rollout-spec/parse-rollout-spec.js';
import type { RolloutSpec } from '../rollout-spec/rollout-spec-schema.js';
import { createSystemTicker } from '../time/system-ticker.js';
import type { CliIo } from './cli-io.js';
import type { Command, CommandArgs } from './command.js';
import { EXIT, usageError } from './command.js';
import { escapeText } from './escape-text.js';

const ticker = createSystemTicker({ unref: false });

const STATUS_TEXT: Record<SeriesReport['status'], string> = {
  ok: 'ok',
  missing: 'MISSING',
  wrong_labels: 'WRONG LABELS',
  never_moved: 'NEVER MOVED',
};

/** The whole result, as `--json` prints it. */
interface CheckReport {
  ok: boolean;
  spec: string;
  rollout: string;
  source: string;
  series: SeriesReport[];
  queries: (QueryCheck & { checked: boolean })[];
  notes: string[];
}

function scopeNotes(
  spec: RolloutSpec,
  reports: readonly SeriesReport[],
  seenValues: ReadonlySet<string>,
): string[] {
  if ((spec.flag.constraints ?? []).length === 0 && (spec.flag.segments ?? []).length === 0) return [];
  const v = spec.variant;
  const note = `the flag is scoped (flag.constraints/segments): count users outside the scope with ${v.label}="out_of_scope", never as ${v.label}="${v.control}"`;
  const seen = seenValues.has('out_of_scope')
    ? ''
    : '; no out_of_scope series seen yet (fine while no out-of-scope user was served)';
  return reports.length > 0 ? [note + seen] : [note];
}

async function readerFor(values: CommandArgs['values'], io: CliIo, intervalMs: number, windowMs: number) {
  if (typeof values.prometheus === 'string') {
    const tokenEnv = values['token-env'];
    const token = typeof tokenEnv === 'string' ? io.env[tokenEnv] : undefined;
    if (typeof tokenEnv === 'string' && !token)
      throw new UsageProblem(`--token-env ${tokenEnv}: the variable is not set`);
    const config = prometheusSourceConfigSchema.safeParse({
      type: 'prometheus',
      url: values.prometheus,
      ...(token ? { auth: { type: 'bearer', token } } : {}),
    });
    if (!config.success) throw new UsageProblem(`--prometheus must be an http(s) URL`);
    return {
      reader: prometheusReader(createPrometheusHttpApi(config.data), windowMs, io.now),
      source: redactUrl(values.prometheus),
    };
  }
  const url = String(values['metrics-url']);
  if (!/^https?:\/\//.test(url)) throw new UsageProblem('--metrics-url must be an http(s) URL');
  const reader: SeriesReader = await metricsUrlReader(url, intervalMs, new AxiosScrapeTransport(), ticker);
  return { reader, source: redactUrl(url) };
}

class UsageProblem extends Error {}

function printText(io: CliIo, report: CheckReport, how: string): void {
  io.out(`check-metrics: rollout ${report.rollout} (${report.spec}) against ${report.source} (${how})\n`);
  for (const s of report.series) {
    io.out(`${STATUS_TEXT[s.status].padEnd(13)} ${escapeText(s.selector)}  [${s.guardrails.join(', ')}]\n`);
    for (const p of s.problems) io.out(`    ${escapeText(p)}\n`);
    for (const w of s.warnings) io.out(`    warning: ${escapeText(w)}\n`);
  }
  for (const q of report.queries) {
    const status = !q.checked ? 'NOT CHECKED' : q.ok ? 'ok' : 'NO DATA';
    io.out(`${status.padEnd(13)} promql of ${q.guardrail}  ${escapeText(q.detail)}\n`);
  }
  for (const n of report.notes) io.out(`note: ${escapeText(n)}\n`);
  const bad = report.series.filter((s) => s.status !== 'ok').length;
  io.out(
    report.ok
      ? `all ${report.series.length} series the guardrails need are there and moving\n`
      : `${bad} of ${report.series.length} series not as the guardrails need them${report.queries.some((q) => q.checked && !q.ok) ? ', a PromQL guardrail without data' : ''}\n`,
  );
}

export const checkMetricsCommand: Command = {
  name: 'check-metrics',
  summary: "Check a service's metrics against what a rollout spec's guardrails need.",
  usage: 'rampart check-metrics --spec FILE (--prometheus URL | --metrics-url URL) [--json]',
  details: `Options:
  --spec FILE         The rollout spec whose guardrails say which series are needed.
  --prometheus URL    Ask a Prometheus (or anything with its query API): the series of each
                      metric over --window, and their increase over it.
  --metrics-url URL   Read the service's /metrics twice, --interval apart, instead.
  --window D          With --prometheus: how far back to look (default 5m).
  --interval D        With --metrics-url: time between the two reads (default 10s).
  --token-env NAME    With --prometheus: a bearer token from this environment variable.
  --json              One JSON object: { ok, spec, rollout, source, series: [{ selector,
                      guardrails, status, problems, warnings }], queries, notes }
  -h, --help

Each series a guardrail selects is reported as ok, MISSING (no series of that name), WRONG
LABELS (a selected label value, the variant label or one of its two values, or a label the
metrics contract requires is missing; a per-user label such as user_id), or NEVER MOVED (it did
not increase during the check; not asked of a zero guardrail's counter). Raw PromQL
guardrails are run with --prometheus and reported NOT CHECKED with --metrics-url.
See docs/metrics-contract.md.

Exit codes:
  0  every series is there, labelled as needed, and moving
  1  something is missing, wrongly labelled or idle, the spec is invalid, or the source
     cannot be read
  2  usage error`,
  options: {
    spec: { type: 'string' },
    prometheus: { type: 'string' },
    'metrics-url': { type: 'string' },
    window: { type: 'string' },
    interval: { type: 'string' },
    'token-env': { type: 'string' },
    json: { type: 'boolean' },
  },
  allowPositionals: false,
  async run({ values }, { io }) {
    const usage = (m: string) => usageError(io, checkMetricsCommand, m);
    if (typeof values.spec !== 'string') return usage('--spec FILE is required');
    if ((values.prometheus === undefined) === (values['metrics-url'] === undefined))
      return usage('give exactly one of --prometheus URL and --metrics-url URL');
    const windowMs = parseDuration(String(values.window ?? '5m'));
    const intervalMs = parseDuration(String(values.interval ?? '10s'));
    if (!windowMs || !intervalMs) return usage('--window and --interval are durations such as 30s or 5m');
    const text = await readFile(values.spec, 'utf8').catch(() => undefined);
    if (text === undefined) return usage(`no such file: ${values.spec}`);
    const parsed = parseRolloutSpec(text, values.spec);
    if (!parsed.ok) {
      io.err(`${parsed.error.message}\n`);
      return EXIT.failed;
    }
    const spec = parsed.value;
    try {
      const { reader, source } = await readerFor(values, io, intervalMs, windowMs);
      const needed = requiredSeries(spec);
      const fromUrl = values.prometheus === undefined;
      const required = fromUrl ? withoutTargetLabels(needed.series) : needed.series;
      const seen = await reader.observe(required);
      const series = required.map((r, i) =>
        checkSeries(r, seen[i] ?? { labelSets: [], increase: undefined }, METRICS_CONTRACT),
      );
      const queries = await Promise.all(
        needed.queries.map(async (q) => {
          const answer = await reader.runQuery(q, spec.name);
          return answer
            ? { ...answer, checked: true }
            : { guardrail: q.guardrail, ok: true, checked: false, detail: 'raw PromQL needs --prometheus' };
        }),
      );
      const variantValues = new Set(
        seen.flatMap((o) =>
          o.labelSets.map((l) => l[spec.variant.label]).filter((v): v is string => v !== undefined),
        ),
      );
      const report: CheckReport = {
        ok: series.every((s) => s.status === 'ok') && queries.every((q) => q.ok),
        spec: values.spec,
        rollout: spec.name,
        source,
        series,
        queries,
        notes: [
          ...scopeNotes(spec, series, variantValues),
          ...(fromUrl && Object.keys(spec.matchers).some((k) => TARGET_LABELS.includes(k))
            ? ['matchers on job or instance are labels Prometheus adds: not checked against /metrics']
            : []),
        ],
      };
      const how = values.prometheus
        ? `increase over ${formatDuration(windowMs)}`
        : `two reads ${formatDuration(intervalMs)} apart`;
      if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else printText(io, report, how);
      return report.ok ? EXIT.ok : EXIT.failed;
    } catch (error) {
      if (error instanceof UsageProblem) return usage(error.message);
      if (error instanceof AppError) {
        io.err(`rampart check-metrics: ${error.message}\n`);
        return EXIT.failed;
      }
      throw error;
    }
  },
};
