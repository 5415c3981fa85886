import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One sample of the text exposition format, histograms and summaries flattened as Prometheus stores them. */
export interface FlatSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const GO_FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|Inf|NaN)$/;

/** Go's float syntax as used by the exposition format: `+Inf`, `-Inf`, `NaN` besides plain numbers. */
export function parseSampleValue(text: string): number {
  if (!GO_FLOAT.test(text)) return Number.NaN;
  if (text.endsWith('Inf')) return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number(text);
}

/**
 * Parses `/metrics` text into flat samples; throws on malformed input (the scrape then counts as failed).
 * Comment lines are dropped before the package parses the rest: its histogram and summary grouping
 * merges label sets and loses labelled `_sum`/`_count`, while as untyped lines every series survives
 * intact, exactly as Prometheus stores it. The package still does the escaping-aware line parsing.
 */
export function parseExposition(text: string): FlatSample[] {
  const lines = text.split('\n').filter((l) => !l.trimStart().startsWith('#'));
  const out: FlatSample[] = [];
  for (const family of parsePrometheusTextFormat(lines.join('\n'))) {
    if (!METRIC_NAME.test(family.name))
      throw new SyntaxError(`not a metric name: ${JSON.stringify(family.name.slice(0, 40))}`);
    for (const m of family.metrics) {
      if (m.value === undefined || !GO_FLOAT.test(m.value)) {
        throw new SyntaxError(
          `${family.name}: not a sample value: ${JSON.stringify(String(m.value).slice(0, 40))}`,
        );
      }
      out.push({ name: family.name, labels: m.labels ?? {}, value: parseSampleValue(m.value) });
    }
  }
  return out;
}
