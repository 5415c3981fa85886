import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Issue } from '../errors/validation-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { parseRolloutSpec } from './parse-rollout-spec.js';
import { tooLargeIssue } from './parse-yaml-with-schema.js';
import type { RolloutSpec } from './rollout-spec-schema.js';
import { formatBytes, SPEC_LIMITS } from './spec-limits.js';

const YAML_FILE = /\.ya?ml$/;

/**
 * YAML files under `paths` (files as given, folders recursively, sorted); unreadable paths
 * separately. Hidden entries inside folders are skipped: a Kubernetes ConfigMap volume holds every
 * file twice (`..data/` and the timestamped folder it points to), and editors keep dotfiles.
 */
export async function listYamlFiles(
  paths: readonly string[],
): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      missing.push(path);
    } else if (info.isDirectory()) {
      const entries = (await readdir(path)).sort();
      for (const entry of entries) if (!entry.startsWith('.')) await visit(join(path, entry), false);
    } else if (explicit || (YAML_FILE.test(path) && info.isFile())) {
      // Found in a folder: regular files only. A FIFO would block the read forever, a link to
      // /dev/zero would never end it.
      files.push(path);
    }
  };
  for (const path of paths) await visit(path, true);
  return { files, missing };
}

/**
 * The `kind:` a YAML file declares, without validating it. Files in flags/ are told apart by it:
 * `Rollout` specs and the controller's `Config`. Undefined when unreadable or absent.
 */
export function peekKind(text: string): string | undefined {
  try {
    // uniqueKeys off: yaml's own duplicate check is quadratic in a mapping's keys; the real
    // parser reports duplicates.
    const value: unknown = parse(text, { uniqueKeys: false });
    if (value !== null && typeof value === 'object' && 'kind' in value) {
      const kind = (value as { kind: unknown }).kind;
      return typeof kind === 'string' ? kind : undefined;
    }
  } catch {
    // A syntax error is reported by the real parser.
  }
  return undefined;
}

/** The file as UTF-8 text, or undefined when it holds more than `maxBytes` (never reads past that). */
async function readAtMost(path: string, maxBytes: number): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let total = 0;
    while (total < buffer.length) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return total > maxBytes ? undefined : buffer.toString('utf8', 0, total);
  } finally {
    await handle.close();
  }
}

/** A rollout spec and the file it came from. */
export interface LoadedSpec {
  source: string;
  spec: RolloutSpec;
}

/**
 * Loads every rollout spec under `paths`, skipping the controller's `kind: Config` files; every
 * other file is parsed as a spec (a misspelt kind is an error, as in `rampart validate`). Collects every issue of every file; rollout names must be unique.
 * A file over SPEC_LIMITS.fileBytes is refused before it is read, so a watched reload stays short.
 */
export async function loadRolloutSpecs(
  paths: readonly string[],
): Promise<{ specs: LoadedSpec[]; error?: ValidationError }> {
  const { files, missing } = await listYamlFiles(paths);
  const issues: Issue[] = missing.map((source) => ({
    source,
    path: '',
    message: 'no such file or directory',
  }));
  const specs: LoadedSpec[] = [];
  for (const source of files) {
    const { size } = await stat(source);
    if (size > SPEC_LIMITS.fileBytes) {
      issues.push(tooLargeIssue(source, size, SPEC_LIMITS.fileBytes));
      continue;
    }
    const text = await readAtMost(source, SPEC_LIMITS.fileBytes);
    if (text === undefined) {
      // Grown past the limit since the stat (a file being written, or not a regular file).
      const limit = formatBytes(SPEC_LIMITS.fileBytes);
      issues.push({ source, path: '', message: `the file holds more than ${limit}; the limit is ${limit}` });
      continue;
    }
    // Only the controller's own config is skipped, as `rampart validate` does: any other kind
    // (`Rollouts`, `rollout`) is judged as a spec, so a typo fails loudly instead of vanishing.
    if (peekKind(text) === 'Config') continue;
    const result = parseRolloutSpec(text, source);
    if (!result.ok) {
      issues.push(...result.error.issues);
      continue;
    }
    const clash = specs.find((s) => s.spec.name === result.value.name);
    if (clash) {
      issues.push({
        source,
        path: 'name',
        message: `"${result.value.name}" is already the name of ${clash.source}`,
      });
      continue;
    }
    specs.push({ source, spec: result.value });
  }
  return issues.length > 0 ? { specs, error: new ValidationError(issues) } : { specs };
}
