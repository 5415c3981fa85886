import { describe, expect, it } from 'vitest';
import {
  type DependencyRule,
  dependencyRuleViolations,
  folderCycles,
} from '../../support/check-dependency-rules.js';
import { importEdges, readImportGraph } from '../../support/read-import-graph.js';

// The dependency rule file. Paths are relative to src/. On top of this table, no two top-level
// folders may depend on each other through any chain of imports (no folder cycles).

/** Packages and node builtins that reach the outside world: files, network, databases, logs. */
const IO_PACKAGES = [
  'node:fs',
  'node:net',
  'node:http',
  'node:https',
  'node:child_process',
  'express',
  'axios',
  'pg',
  'better-sqlite3',
  'kysely',
  'prom-client',
  'pino',
  'unleash-client',
];
/** Folders that do I/O or wire it up (`.` is src/main.ts). */
const IO_FOLDERS = [
  '.',
  'controller',
  'store',
  'http',
  'flag-backends',
  'metric-sources',
  'leader',
  'notify',
  'telemetry',
  'compose',
  'cli',
  'demo',
  'sim',
];
/** Files in otherwise pure folders that read files; the pure folders must not import them. */
const IO_FILES = ['rollout-spec/load-spec-files.ts'];
const PURE = { forbiddenPackages: IO_PACKAGES, forbiddenFolders: IO_FOLDERS, forbiddenFiles: IO_FILES };

const RULES: readonly DependencyRule[] = [
  { folder: 'analysis', ...PURE },
  // The rollout domain builds on the spec alone.
  { folder: 'rollout', ...PURE, onlyFolders: ['rollout-spec'] },
  // Parsing and validating a spec is pure; load-spec-files.ts is the one file that reads spec files
  // from disk, kept here because it is the spec's own loader (the pure parser it calls stays pure).
  { folder: 'rollout-spec', ...PURE, exemptFiles: IO_FILES },
  // A guardrail judges evidence; it may name the metric source's types (the port and the source
  // types of its config schema), not an implementation.
  {
    folder: 'guardrails',
    ...PURE,
    allowedFiles: ['metric-sources/metric-source.ts', 'metric-sources/metric-source-config.ts'],
  },
  // Who had a flag on: the audit timeline evaluated with the SDK-exact hash and constraints, which
  // live beside the flag backends but are pure functions themselves.
  {
    folder: 'exposure',
    ...PURE,
    allowedFiles: ['flag-backends/stickiness-hash.ts', 'flag-backends/evaluate-constraints.ts'],
  },
  { folder: 'errors', onlyFolders: [], forbiddenPackages: ['*'] },
  // rampart/instrument ships inside services: it may not pull in rampart's controller or servers.
  { folder: 'instrument', onlyFolders: ['errors', 'time'] },
];

describe('the dependency rules of src/', () => {
  const edges = readImportGraph('src');

  it('finds the imports of the source tree', () => {
    expect(edges.length).toBeGreaterThan(100);
  });

  it('has no cycle between top-level folders', () => {
    expect(folderCycles(edges).join('\n')).toBe('');
  });

  it('keeps analysis/, rollout/, rollout-spec/, guardrails/, exposure/ free of I/O and errors/ self-contained', () => {
    expect(dependencyRuleViolations(edges, RULES)).toEqual([]);
  });
});

describe('the dependency checker', () => {
  const graph = (files: Record<string, string>) =>
    Object.entries(files).flatMap(([file, source]) => importEdges(file, source));

  it('reports a cycle with one example import per edge', () => {
    const edges = graph({
      'analysis/a.ts': "import { b } from '../rollout/b.js';",
      'rollout/b.ts': "export { c } from '../store/c.js';",
      'store/c.ts': "const a = await import('../analysis/a.js');",
      'errors/e.ts': "import type { A } from '../analysis/a.js';",
    });
    expect(folderCycles(edges)).toEqual([
      [
        'cycle between analysis, rollout, store:',
        "  analysis -> rollout: analysis/a.ts imports '../rollout/b.js'",
        "  rollout -> store: rollout/b.ts imports '../store/c.js'",
        "  store -> analysis: store/c.ts imports '../analysis/a.js'",
      ].join('\n'),
    ]);
  });

  it('reports planted breaches of the rule table and lets its exceptions pass', () => {
    const edges = graph({
      'analysis/a.ts': "import { readFileSync } from 'fs';\nimport { x } from '../controller/x.js';",
      'rollout/r.ts': "import { e } from '../errors/e.js';",
      'rollout-spec/s.ts': "import { load } from './load-spec-files.js';",
      'rollout-spec/load-spec-files.ts': "import { readFile } from 'node:fs/promises';",
      'guardrails/g.ts': "import type { MetricSource } from '../metric-sources/metric-source.js';",
      'errors/e.ts': "import { z } from 'zod';",
      'cli/c.ts': "// import { x } from '../controller/x.js';\nimport { a } from '../analysis/a.js';",
    });
    expect(dependencyRuleViolations(edges, RULES)).toEqual([
      "analysis/a.ts: imports the package node:fs ('node:fs')",
      "analysis/a.ts: imports controller/, which does I/O ('../controller/x.js')",
      "rollout/r.ts: imports errors/ but may import only rollout-spec ('../errors/e.js')",
      "rollout-spec/s.ts: imports rollout-spec/load-spec-files.ts, which does I/O ('./load-spec-files.js')",
      "errors/e.ts: imports the package zod ('zod')",
    ]);
  });
});
