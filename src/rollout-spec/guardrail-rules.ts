import { didYouMean } from './did-you-mean.js';
import type { FieldPath } from './field-path.js';
import { describeType, quote } from './field-path.js';
import { checkPromqlSyntax } from './promql-syntax.js';
import { isRecord, type Raw } from './raw-record.js';
import { GUARDRAIL_KINDS } from './rollout-spec-schema.js';
import { SPEC_LIMITS } from './spec-limits.js';
import { duplicateNameIssues } from './unique-names.js';
import type { PathIssue } from './zod-issues.js';

// The cross-field rules of `guardrails`: exactly one kind per entry, unique names, and the rules of
// the kinds whose fields depend on each other (threshold and promql bounds, PromQL syntax).

const KINDS = GUARDRAIL_KINDS.join(' | ');

function boundsRule(body: Raw, path: FieldPath): PathIssue[] {
  const { min, max } = body;
  if (min === undefined && max === undefined) {
    return [{ path, at: 'value', message: 'needs at least one of min | max' }];
  }
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    return [
      {
        path: [...path, 'min'],
        at: 'value',
        message: `${quote(min)} is not allowed; min must be <= max (${max})`,
      },
    ];
  }
  return [];
}

function kindRule(guardrail: unknown, index: number): PathIssue[] {
  const path = ['guardrails', index];
  if (!isRecord(guardrail)) {
    return [
      {
        path,
        at: 'value',
        message: `${quote(guardrail)} is ${describeType(guardrail)}; expected a mapping with name and one of ${KINDS}`,
      },
    ];
  }
  const keys = Object.keys(guardrail);
  const kinds = keys.filter((k) => (GUARDRAIL_KINDS as readonly string[]).includes(k));
  if (kinds.length === 1) return [];
  const allowed = ['name', ...GUARDRAIL_KINDS];
  const issues: PathIssue[] = [];
  let suggestedKind = false;
  for (const key of keys.filter((k) => !allowed.includes(k))) {
    const suggestion = didYouMean(key, allowed);
    if (suggestion && suggestion !== 'name') suggestedKind = true;
    const hint = suggestion ? `; did you mean ${quote(suggestion)}?` : '';
    issues.push({
      path: [...path, key],
      at: 'key',
      message: `unknown field ${quote(key)}${hint} allowed: ${allowed.join(', ')}`,
    });
  }
  if (kinds.length > 1) {
    issues.push({
      path,
      at: 'value',
      message: `needs exactly one of ${KINDS}; found ${kinds.length}: ${kinds.join(', ')}`,
    });
  } else if (!suggestedKind) {
    issues.push({ path, at: 'value', message: `needs exactly one of ${KINDS}; found none` });
  }
  return issues;
}

/** `users`: the bad outcome is a different series from the exposed users it is divided by. */
function usersRule(body: Raw, path: FieldPath): PathIssue[] {
  const exposed = body.exposed ?? 'flag_exposed_users_total';
  if (typeof body.bad !== 'string' || body.bad !== exposed) return [];
  return [
    {
      path: [...path, 'bad'],
      at: 'value',
      message: `${quote(body.bad)} is not allowed; bad must count the users with the bad outcome, not the exposed users (exposed: ${quote(exposed)}) it is divided by`,
    },
  ];
}

/** Every rule of the `guardrails` list, applied to the raw YAML value. */
export function guardrailRules(guardrails: unknown): PathIssue[] {
  if (!Array.isArray(guardrails)) return [];
  const issues: PathIssue[] = [];
  // By index, not a scan of all duplicates per guardrail: 20,000 same-named ones were quadratic.
  const duplicates = new Map(
    duplicateNameIssues(guardrails, 'guardrails', 'guardrail').map((d) => [d.path[1], d]),
  );
  guardrails.forEach((guardrail, i) => {
    issues.push(...kindRule(guardrail, i));
    const duplicate = duplicates.get(i);
    if (duplicate) issues.push(duplicate);
    if (!isRecord(guardrail)) return;
    const { threshold, promql, users } = guardrail;
    if (isRecord(users)) issues.push(...usersRule(users, ['guardrails', i, 'users']));
    if (isRecord(threshold)) {
      const path = ['guardrails', i, 'threshold'];
      const forms = ['ratio', 'scalar'].filter((k) => threshold[k] !== undefined);
      if (forms.length !== 1) {
        const found = forms.length === 0 ? 'none' : 'both';
        issues.push({ path, at: 'value', message: `needs exactly one of ratio | scalar; found ${found}` });
      }
      issues.push(...boundsRule(threshold, path));
    }
    if (isRecord(promql)) {
      const path = ['guardrails', i, 'promql'];
      issues.push(...boundsRule(promql, path));
      // An over-long query is the schema's to report; it is not parsed.
      const query = promql.query;
      if (typeof query === 'string' && query !== '' && query.length <= SPEC_LIMITS.promql) {
        const error = checkPromqlSyntax(query);
        if (error) {
          issues.push({
            path: [...path, 'query'],
            at: 'value',
            inner: { line: error.line, column: error.column },
            message: `${quote(query)} is not valid PromQL: ${error.message} at line ${error.line}, column ${error.column} of the query`,
          });
        }
      }
    }
  });
  return issues;
}
