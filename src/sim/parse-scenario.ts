import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';
import { rolloutCrossFieldRules } from '../rollout-spec/cross-field-rules.js';
import type { FieldPath } from '../rollout-spec/field-path.js';
import { quote, valueAt } from '../rollout-spec/field-path.js';
import type { ParseResult } from '../rollout-spec/parse-result.js';
import { parseRolloutSpec } from '../rollout-spec/parse-rollout-spec.js';
import { placeIssues } from '../rollout-spec/parse-yaml-with-schema.js';
import { type RolloutSpec, rolloutSpecSchema } from '../rollout-spec/rollout-spec-schema.js';
import { readYaml, type YamlSource } from '../rollout-spec/yaml-source.js';
import { describeZodIssues, type PathIssue } from '../rollout-spec/zod-issues.js';
import { FAULT_EFFECTS, type ScenarioFile, scenarioSchema } from './scenario-schema.js';

/** A parsed scenario with its rollout spec resolved (file or inline, overrides merged). */
export interface Scenario extends Omit<ScenarioFile, 'spec' | 'overrides'> {
  file: string;
  spec: RolloutSpec;
}

/** A fault is a union of one form per effect: keep only the issues of the effect the author wrote. */
function resolveFaultUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: FieldPath,
  input: unknown,
): readonly z.core.$ZodIssue[] | undefined {
  if (path.length !== 2 || path[0] !== 'faults') return undefined;
  const fault = valueAt(input, path);
  if (fault === null || typeof fault !== 'object') return [];
  const effects = FAULT_EFFECTS.filter((e) => e in fault);
  const [effect] = effects;
  if (effects.length !== 1 || effect === undefined) return [];
  return issue.errors[FAULT_EFFECTS.indexOf(effect)] ?? [];
}

function scenarioRules(raw: unknown): PathIssue[] {
  if (raw === null || typeof raw !== 'object') return [];
  const r = raw as Record<string, unknown>;
  const issues: PathIssue[] = [];
  if ('rollout' in r === 'spec' in r) {
    issues.push({
      path: 'rollout' in r ? ['spec'] : [],
      at: 'key',
      message: 'a scenario needs exactly one of `rollout:` (a spec file) or `spec:` (an inline rollout)',
    });
  }
  issues.push(...segmentRules(r));
  if (Array.isArray(r.faults)) {
    r.faults.forEach((fault, i) => {
      if (fault === null || typeof fault !== 'object' || Array.isArray(fault)) {
        issues.push({ path: ['faults', i], at: 'value', message: `${quote(fault)} is not a mapping` });
        return;
      }
      const effects = FAULT_EFFECTS.filter((e) => e in fault);
      if (effects.length !== 1) {
        const wrote = effects.length === 0 ? 'none' : effects.join(', ');
        issues.push({
          path: ['faults', i],
          at: 'value',
          message: `a fault needs exactly one effect (wrote: ${wrote}); effects: ${FAULT_EFFECTS.join(', ')}`,
        });
      }
    });
  }
  return issues;
}

/** Segments: unique names, shares that fit in one population, faults that name an existing one. */
function segmentRules(r: Record<string, unknown>): PathIssue[] {
  const traffic = r.traffic as Record<string, unknown> | null | undefined;
  const list =
    traffic && typeof traffic === 'object' && Array.isArray(traffic.segments) ? traffic.segments : [];
  const segments = list.filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object');
  const issues: PathIssue[] = [];
  const names = new Set<unknown>();
  segments.forEach((seg, i) => {
    if (names.has(seg.name))
      issues.push({
        path: ['traffic', 'segments', i, 'name'],
        at: 'value',
        message: `${quote(seg.name)} is used twice`,
      });
    names.add(seg.name);
  });
  const total = segments.reduce((sum, seg) => sum + (typeof seg.share === 'number' ? seg.share : 0), 0);
  if (total > 1 + 1e-9)
    issues.push({
      path: ['traffic', 'segments'],
      at: 'key',
      message: `the segments' shares add up to ${Math.round(total * 1e6) / 1e6}, more than the whole population (1)`,
    });
  if (Array.isArray(r.faults))
    r.faults.forEach((fault, i) => {
      if (fault === null || typeof fault !== 'object' || !('segment' in fault)) return;
      const name = (fault as Record<string, unknown>).segment;
      if (!names.has(name))
        issues.push({
          path: ['faults', i, 'segment'],
          at: 'value',
          message: `${quote(name)} is not a segment of traffic.segments`,
        });
    });
  return issues;
}

/** Leaf paths of an overrides mapping: nested mappings merge, anything else replaces. */
function leaves(value: unknown, prefix: FieldPath = []): FieldPath[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]));
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (over === null || typeof over !== 'object' || Array.isArray(over)) return over;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
  return out;
}

/** Validates a raw rollout value; issues under `own` paths are placed in `scenario` at `ownPrefix`. */
function validateRollout(
  raw: unknown,
  scenario: YamlSource,
  home: YamlSource | undefined,
  own: (path: FieldPath) => FieldPath | undefined,
): ParseResult<RolloutSpec> {
  const result = rolloutSpecSchema.safeParse(raw);
  const pathIssues = result.success ? [] : describeZodIssues(result.error.issues, rolloutSpecSchema, raw);
  pathIssues.push(...rolloutCrossFieldRules(raw));
  if (pathIssues.length === 0 && result.success) return { ok: true, value: result.data };
  const inScenario: PathIssue[] = [];
  const inHome: PathIssue[] = [];
  for (const p of pathIssues) {
    const mapped = own(p.path);
    if (mapped || !home) inScenario.push({ ...p, path: mapped ?? p.path });
    else inHome.push(p);
  }
  const issues = [...(home ? placeIssues(home, inHome) : []), ...placeIssues(scenario, inScenario)];
  return { ok: false, error: new ValidationError(issues) };
}

/** Parses a scenario file's text; reads the rollout spec it names relative to `source`. */
export async function parseScenario(text: string, source: string): Promise<ParseResult<Scenario>> {
  const yaml = readYaml(text, source);
  if (yaml.syntaxIssues.length > 0) return { ok: false, error: new ValidationError(yaml.syntaxIssues) };
  if (yaml.value === undefined || yaml.value === null) {
    const message = 'the file is empty; expected a simulation scenario (name, rollout, traffic, ...)';
    return { ok: false, error: new ValidationError([{ source, line: 1, column: 1, path: '', message }]) };
  }
  const parsed = scenarioSchema.safeParse(yaml.value);
  const pathIssues = parsed.success
    ? []
    : describeZodIssues(parsed.error.issues, scenarioSchema, yaml.value, {
        resolveUnion: resolveFaultUnion,
      });
  pathIssues.push(...scenarioRules(yaml.value));
  if (pathIssues.length > 0 || !parsed.success) {
    return { ok: false, error: new ValidationError(placeIssues(yaml, pathIssues)) };
  }
  const { spec: inline, overrides = {}, rollout, ...rest } = parsed.data;
  const overridden = leaves(overrides).filter((p) => p.length > 0);
  const ownOverride = (path: FieldPath): FieldPath | undefined => {
    const hit = overridden.find(
      (o) => o.every((seg, i) => path[i] === seg) || path.every((seg, i) => o[i] === seg),
    );
    return hit ? ['overrides', ...(path.length >= hit.length ? path : hit)] : undefined;
  };
  let spec: ParseResult<RolloutSpec>;
  if (inline) {
    spec = validateRollout(
      deepMerge(inline, overrides),
      yaml,
      undefined,
      (path) => ownOverride(path) ?? ['spec', ...path],
    );
  } else {
    // An absolute path is the author's own; only a relative one is read next to the scenario.
    const file = rollout && isAbsolute(rollout) ? rollout : join(dirname(source), rollout ?? '');
    let specText: string;
    try {
      specText = await readFile(file, 'utf8');
    } catch (error) {
      const at = yaml.locate(['rollout'], 'value');
      const why = (error as NodeJS.ErrnoException).code ?? String(error);
      const message = `cannot read the rollout spec ${quote(rollout)} (${file}): ${why}`;
      return { ok: false, error: new ValidationError([{ source, ...at, path: 'rollout', message }]) };
    }
    const plain = parseRolloutSpec(specText, file);
    if (!plain.ok) return plain;
    spec = validateRollout(
      deepMerge(readYaml(specText, file).value, overrides),
      yaml,
      readYaml(specText, file),
      ownOverride,
    );
  }
  if (!spec.ok) return spec;
  return { ok: true, value: { ...rest, file: source, spec: spec.value } };
}
