import { parser } from '@prometheus-io/lezer-promql';

/** A syntax error in a PromQL expression, with its 1-based column. */
export interface PromqlSyntaxError {
  column: number;
  message: string;
}

/**
 * Checks PromQL syntax with Prometheus's own lezer grammar, so `rampart validate` rejects a broken raw
 * `promql:` guardrail before it ever runs. Returns no errors for a well-formed expression.
 */
export function checkPromqlSyntax(query: string): PromqlSyntaxError[] {
  if (query.trim() === '') return [{ column: 1, message: 'empty PromQL expression' }];
  const errors: PromqlSyntaxError[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (!node.type.isError) return;
      const near = query.slice(node.from, node.from + 10);
      errors.push({
        column: node.from + 1,
        message:
          near === '' ? 'unexpected end of expression' : `unexpected input near ${JSON.stringify(near)}`,
      });
    },
  });
  return errors;
}
