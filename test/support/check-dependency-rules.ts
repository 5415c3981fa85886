import { folderOf, type ImportEdge } from './read-import-graph.js';
import { stronglyConnectedComponents } from './strongly-connected-components.js';

/** What the files of one top-level source folder may import. Paths are relative to the source root. */
export interface DependencyRule {
  readonly folder: string;
  /** The only other folders it may import; absent: any folder not in `forbiddenFolders`. */
  readonly onlyFolders?: readonly string[];
  readonly forbiddenFolders?: readonly string[];
  /** Files it must not import even inside an allowed folder (they do I/O). */
  readonly forbiddenFiles?: readonly string[];
  /** Packages and node builtins it must not import, with their subpaths; `*` forbids every one. */
  readonly forbiddenPackages?: readonly string[];
  /** Files of other folders it may import despite the rules above. */
  readonly allowedFiles?: readonly string[];
  /** Files of the folder itself that the rule does not bind, each with its reason in the rule file. */
  readonly exemptFiles?: readonly string[];
}

const matchesPackage = (specifier: string, name: string): boolean =>
  name === '*' || specifier === name || specifier.startsWith(`${name}/`);

function breach(rule: DependencyRule, edge: ImportEdge): string | undefined {
  if (edge.to === undefined) {
    const name = rule.forbiddenPackages?.find((p) => matchesPackage(edge.specifier, p));
    return name === undefined ? undefined : `imports the package ${edge.specifier}`;
  }
  const target = folderOf(edge.to);
  if (target === rule.folder && !rule.forbiddenFiles?.includes(edge.to)) return undefined;
  if (rule.allowedFiles?.includes(edge.to)) return undefined;
  if (rule.forbiddenFiles?.includes(edge.to)) return `imports ${edge.to}, which does I/O`;
  if (rule.forbiddenFolders?.includes(target)) return `imports ${target}/, which does I/O`;
  if (rule.onlyFolders !== undefined && !rule.onlyFolders.includes(target)) {
    const allowed = rule.onlyFolders.length === 0 ? 'nothing outside itself' : rule.onlyFolders.join(', ');
    return `imports ${target}/ but may import only ${allowed}`;
  }
  return undefined;
}

/** One line per import that breaks a rule: `file: reason (specifier)`. */
export function dependencyRuleViolations(
  edges: readonly ImportEdge[],
  rules: readonly DependencyRule[],
): string[] {
  return edges.flatMap((edge) =>
    rules
      .filter((rule) => folderOf(edge.from) === rule.folder && !rule.exemptFiles?.includes(edge.from))
      .flatMap((rule) => {
        const reason = breach(rule, edge);
        return reason === undefined ? [] : [`${edge.from}: ${reason} ('${edge.specifier}')`];
      }),
  );
}

/**
 * The cycles between top-level folders, one line per strongly connected component with more than
 * one folder, naming one example import for every edge inside it.
 */
export function folderCycles(edges: readonly ImportEdge[]): string[] {
  const examples = new Map<string, ImportEdge>();
  const adjacency = new Map<string, string[]>();
  for (const edge of edges) {
    if (edge.to === undefined) continue;
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    const key = `${from} -> ${to}`;
    if (from === to || examples.has(key)) continue;
    examples.set(key, edge);
    adjacency.set(from, [...(adjacency.get(from) ?? []), to]);
  }
  return stronglyConnectedComponents(adjacency)
    .filter((component) => component.length > 1)
    .map((component) => {
      const members = new Set(component);
      const inside = [...examples.entries()].filter(([, e]) => {
        return e.to !== undefined && members.has(folderOf(e.from)) && members.has(folderOf(e.to));
      });
      const lines = inside.map(([key, e]) => `  ${key}: ${e.from} imports '${e.specifier}'`);
      return [`cycle between ${[...component].sort().join(', ')}:`, ...lines.sort()].join('\n');
    });
}
