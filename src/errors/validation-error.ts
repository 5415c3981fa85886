import { AppError } from './app-error.js';

/** One problem found in user input, with where it was found. */
export interface Issue {
  /** File path, or a logical source such as `request body`. */
  source: string;
  line?: number;
  column?: number;
  /** Field path, e.g. `guardrails[2].compare.maxDrop`. */
  path: string;
  message: string;
}

/** Input that does not satisfy a schema or a rule; carries every issue, not only the first. */
export class ValidationError extends AppError {
  readonly code = 'validation_failed';
  readonly statusCode = 400;

  constructor(
    readonly issues: readonly Issue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map(formatIssue).join('\n'), options);
  }
}

export function formatIssue(issue: Issue): string {
  const where =
    issue.line === undefined ? issue.source : `${issue.source}:${issue.line}:${issue.column ?? 1}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}
