import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  guardrailPromqlMarkdown,
  withGeneratedPromql,
} from '../../../src/dashboards/guardrail-promql-doc.js';
import { METRICS_CONTRACT } from '../../../src/dashboards/metrics-contract.js';
import { substituteGrafanaVariables } from '../../../src/dashboards/promql-names.js';
import { promqlSyntaxErrors } from '../../../src/rollout-spec/promql-syntax.js';
import { GUARDRAIL_KINDS } from '../../../src/rollout-spec/rollout-spec-schema.js';

const page = readFileSync('docs/metrics-contract.md', 'utf8');

describe('docs/metrics-contract.md', () => {
  it('carries the PromQL the guardrail registry compiles today', () => {
    // On failure: run `npm run dashboards` and commit docs/metrics-contract.md.
    expect(page).toBe(withGeneratedPromql(page));
  });

  it('documents every guardrail kind with parseable PromQL', () => {
    const generated = guardrailPromqlMarkdown();
    for (const kind of GUARDRAIL_KINDS) expect(generated).toContain(`### \`${kind}\``);
    const blocks = [...generated.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks.length).toBe(2 * GUARDRAIL_KINDS.length);
    const queries = blocks.flatMap((b) => b.split('\n')).filter((l) => l !== '' && !l.startsWith('#'));
    for (const q of queries) expect(promqlSyntaxErrors(substituteGrafanaVariables(q)), q).toEqual([]);
  });

  it('names every series of the metrics contract with its labels in the series table', () => {
    for (const m of METRICS_CONTRACT) {
      const row = page.split('\n').find((l) => l.startsWith(`| \`${m.name}\` |`));
      expect(row, m.name).toBeDefined();
      for (const label of m.labels) expect(row, `${m.name} ${label}`).toContain(`\`${label}\``);
    }
  });

  it('refuses a page whose generated section lost its markers', () => {
    expect(() => withGeneratedPromql('# no markers\n')).toThrow(/markers are missing/);
  });
});
