import { parser } from '@prometheus-io/lezer-promql';

/** A syntax error in a PromQL expression, at a 0-based character offset into it. */
export interface PromqlGrammarError {
  offset: number;
  message: string;
}

/**
 * Checks PromQL syntax with Prometheus's own lezer grammar, the one parser rampart uses for raw
 * `promql:` guardrails, compiled queries and dashboard expressions. Returns every error node;
 * none for a well-formed expression.
 */
export function promqlSyntaxErrors(query: string): PromqlGrammarError[] {
  if (query.trim() === '') return [{ offset: 0, message: 'empty PromQL expression' }];
  const errors: PromqlGrammarError[] = [];
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

/** A PromQL syntax error: `offset` is a character offset into the query as written. */
export interface PromqlSyntaxError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

/** Sample values for the placeholders rampart substitutes at query time. */
const PLACEHOLDERS: Record<string, string> = { $window: '5m', $rollout: 'rollout' };

/** Substitutes placeholders, remembering for each output character where it came from. */
function substitute(query: string): { text: string; origin: number[] } {
  let text = '';
  const origin: number[] = [];
  let i = 0;
  while (i < query.length) {
    const name = Object.keys(PLACEHOLDERS).find((p) => query.startsWith(p, i));
    if (name) {
      const replacement = PLACEHOLDERS[name] ?? '';
      text += replacement;
      for (let k = 0; k < replacement.length; k++) origin.push(i);
      i += name.length;
    } else {
      text += query[i];
      origin.push(i);
      i += 1;
    }
  }
  origin.push(query.length);
  return { text, origin };
}

/**
 * Checks a raw `promql:` guardrail query with Prometheus' own grammar (after substituting
 * `$window` and `$rollout`). Returns the first syntax error, or undefined when the query parses.
 */
export function checkPromqlSyntax(query: string): PromqlSyntaxError | undefined {
  const { text, origin } = substitute(query);
  if (text.trim() === '') return { offset: 0, line: 1, column: 1, message: 'the query is empty' };
  const errorAt = promqlSyntaxErrors(text)[0]?.offset;
  if (errorAt === undefined) return undefined;
  const offset = origin[errorAt] ?? query.length;
  const before = query.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const near = query.slice(offset, offset + 12).split('\n')[0] ?? '';
  const message = near ? `syntax error near ${JSON.stringify(near)}` : 'unexpected end of query';
  return { offset, line, column, message };
}
