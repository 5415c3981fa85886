import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix, relative, sep } from 'node:path';

/** One import of one file: `from` and `to` are paths relative to the source root, posix style. */
export interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
  /** The imported file for a relative specifier; undefined for a package or node builtin. */
  readonly to?: string;
}

// Anchored at the start of a line so that imports quoted in comments or strings do not count; the
// clause before `from` may only hold names, braces, commas, `*`, `as` and `type`.
const STATIC = /^\s*(?:import|export)\s+(?:[\w$*{},\s]+?\s+)?from\s*['"]([^'"]+)['"]/gm;
const BARE = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importSpecifiers(source: string): string[] {
  return [STATIC, BARE, DYNAMIC].flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] ?? ''));
}

/** Builtins written without the `node:` prefix are the same module, so the rules see one name. */
function normalizeSpecifier(specifier: string): string {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return specifier;
  return isBuiltin(specifier) ? `node:${specifier}` : specifier;
}

export function importEdges(file: string, source: string): ImportEdge[] {
  return importSpecifiers(source).map((raw) => {
    const specifier = normalizeSpecifier(raw);
    if (!specifier.startsWith('.')) return { from: file, specifier };
    // NodeNext imports name the emitted .js file; the graph is over the .ts sources.
    const to = posix.join(posix.dirname(file), specifier).replace(/\.js$/, '.ts');
    return { from: file, specifier, to };
  });
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every import of every .ts file under `root`, with paths relative to `root`. */
export function readImportGraph(root: string): ImportEdge[] {
  return typeScriptFiles(root).flatMap((path) => {
    const file = relative(root, path).split(sep).join('/');
    return importEdges(file, readFileSync(path, 'utf8'));
  });
}

/** The top-level folder of a root-relative path; files directly in the root belong to `.`. */
export function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? '.' : path.slice(0, slash);
}
