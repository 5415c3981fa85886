import { parser } from '@prometheus-io/lezer-promql';

/** A syntax error in a PromQL expression, at a 0-based character offset into it. */
export interface PromqlSyntaxError {
  offset: number;
  message: string;
}

/**
 * Checks PromQL syntax with Prometheus's own lezer grammar, the one parser rampart uses for raw
 * `promql:` guardrails, compiled queries and dashboard expressions. Returns every error node;
 * none for a well-formed expression.
 */
export function checkPromqlSyntax(query: string): PromqlSyntaxError[] {
  if (query.trim() === '') return [{ offset: 0, message: 'empty PromQL expression' }];
  const errors: PromqlSyntaxError[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (!node.type.isError) return;
      const near = query.slice(node.from, node.from + 12);
      errors.push({
        offset: node.from,
        message: near === '' ? 'unexpected end of expression' : `syntax error near ${JSON.stringify(near)}`,
      });
    },
  });
  return errors;
}
