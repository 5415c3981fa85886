import { readFile } from 'node:fs/promises';
import { configWarnings } from '../config/config-warnings.js';
import type { Env } from '../config/env-overrides.js';
import { parseConfig } from '../config/parse-config.js';
import { resolveSecret } from '../config/resolve-secret.js';
import type { Issue } from '../errors/validation-error.js';
import { formatIssue } from '../errors/validation-error.js';
import { populationWarnings } from '../guardrails/population-warnings.js';
import { listYamlFiles, peekKind } from '../rollout-spec/load-spec-files.js';
import { parseRolloutSpec } from '../rollout-spec/parse-rollout-spec.js';
import type { Command } from './command.js';
import { EXIT, usageError } from './command.js';

/** The outcome of one file, as printed by `--json`. */
export interface FileReport {
  file: string;
  kind: 'Rollout' | 'Config';
  /** The rollout's name, for valid rollout specs. */
  name?: string;
  valid: boolean;
  issues: Issue[];
  /** Allowed but probably not meant (a config on 0.0.0.0, without tokens, with a short token). */
  warnings?: string[];
}

async function validateFile(file: string, env: Env): Promise<FileReport> {
  const text = await readFile(file, 'utf8');
  // Files in flags/ are told apart by `kind:`; anything but Config is judged as a rollout spec.
  if (peekKind(text) === 'Config') {
    // The file as written: RAMPART_* overrides belong to a running controller, not to the file.
    const result = parseConfig(text, file, {});
    if (!result.ok) return { file, kind: 'Config', valid: false, issues: [...result.error.issues] };
    // A token's length is checked where this shell can read it; one it cannot is no warning.
    const tokens = result.value.apiTokens;
    const tokenOf = (i: number) => {
      const t = tokens[i];
      const read = t && resolveSecret({ env: t.tokenEnv, file: t.tokenFile }, t.name, env);
      return t?.sha256 === undefined && read?.ok ? read.value : undefined;
    };
    return { file, kind: 'Config', valid: true, issues: [], warnings: configWarnings(result.value, tokenOf) };
  }
  const result = parseRolloutSpec(text, file);
  if (!result.ok) return { file, kind: 'Rollout', valid: false, issues: [...result.error.issues] };
  const warnings = populationWarnings(result.value);
  const report: FileReport = { file, kind: 'Rollout', name: result.value.name, valid: true, issues: [] };
  return warnings.length > 0 ? { ...report, warnings } : report;
}

/** Rollout names must be unique across everything validated together (one controller loads them all). */
function markDuplicateNames(reports: FileReport[]): void {
  const firstFile = new Map<string, string>();
  for (const report of reports) {
    if (report.name === undefined) continue;
    const first = firstFile.get(report.name);
    if (first === undefined) {
      firstFile.set(report.name, report.file);
      continue;
    }
    report.valid = false;
    report.issues.push({
      source: report.file,
      path: 'name',
      message: `"${report.name}" is already the name of ${first}`,
    });
  }
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check rollout specs and rampart.yaml configurations; report every problem with file:line:col.',
  usage: 'rampart validate [PATH...] [--json]',
  details: `Arguments:
  PATH      A file or a folder (searched recursively for *.yaml and *.yml). Default: flags/
            Files with \`kind: Config\` are checked as controller configurations, all
            others as rollout specs. Rollout names must be unique across all PATHs.

Options:
  --json    Print one JSON object:
            { "valid": bool, "files": [{ file, kind, name?, valid, issues, warnings? }] }
            Warnings (a config listening on 0.0.0.0, without apiTokens, with a token under 16
            characters; a rollout whose declared population is too small for a step or for a
            users guardrail's non-inferiority gate) are printed but do not make a file invalid.
  -h, --help

Exit codes:
  0  every file is valid
  1  at least one file is invalid, or no YAML file was found
  2  usage error (unknown option, a PATH that does not exist)`,
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, { io }) {
    const paths = positionals.length > 0 ? positionals : ['flags/'];
    const { files, missing } = await listYamlFiles(paths);
    if (missing.length > 0)
      return usageError(io, validateCommand, `no such file or directory: ${missing.join(', ')}`);
    const reports = await Promise.all(files.map((file) => validateFile(file, io.env)));
    markDuplicateNames(reports);
    const valid = files.length > 0 && reports.every((r) => r.valid);
    if (values.json) {
      io.out(`${JSON.stringify({ valid, files: reports }, null, 2)}\n`);
    } else if (files.length === 0) {
      io.out(`no YAML files found in ${paths.join(', ')}\n`);
    } else {
      for (const report of reports) {
        const what = report.kind === 'Config' ? 'config' : `rollout${report.name ? ` ${report.name}` : ''}`;
        io.out(`${report.valid ? 'ok     ' : 'invalid'} ${report.file} (${what})\n`);
        for (const issue of report.issues) io.out(`  ${formatIssue(issue)}\n`);
        for (const warning of report.warnings ?? []) io.out(`  warning: ${report.file}: ${warning}\n`);
      }
      const invalid = reports.filter((r) => !r.valid).length;
      const issues = reports.reduce((n, r) => n + r.issues.length, 0);
      io.out(
        invalid === 0
          ? `${files.length} file(s) valid\n`
          : `${invalid} of ${files.length} file(s) invalid, ${issues} problem(s)\n`,
      );
    }
    return valid ? EXIT.ok : EXIT.failed;
  },
};
