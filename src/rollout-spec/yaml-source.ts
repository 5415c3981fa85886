import type { Pair, YAMLMap } from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Issue } from '../errors/validation-error.js';
import type { FieldPath } from './field-path.js';
import type { ParseWork } from './parse-work.js';

export interface Position {
  line: number;
  column: number;
}

/** A YAML file parsed with its source positions kept, so later errors can point into the file. */
export interface YamlSource {
  /** File path (or logical name) used in messages. */
  readonly source: string;
  /** The plain JS value; undefined when the YAML could not be parsed. */
  readonly value: unknown;
  /** YAML syntax errors; when non-empty, `value` is undefined. */
  readonly syntaxIssues: readonly Issue[];
  /**
   * Where the field at `path` is written: its key (`at: 'key'`) or its value. A path that does not
   * exist in the file resolves to the deepest part of it that does.
   */
  locate(path: FieldPath, at: 'key' | 'value'): Position;
  /**
   * Where a 1-based line/column inside the string value at `path` is in the file, for one-line
   * plain or quoted scalars and literal blocks (`|`); undefined for other forms.
   */
  locateInside(path: FieldPath, inner: Position): Position | undefined;
}

/**
 * How many source characters of a quoted scalar starting at `from` spell its first `decoded`
 * characters (escapes such as \" or '' take more than one). Undefined if the string spans lines.
 */
function quotedLength(text: string, from: number, decoded: number, double: boolean): number | undefined {
  let i = from;
  for (let n = 0; n < decoded; n++) {
    const c = text[i];
    if (c === undefined || c === '\n') return undefined;
    if (double && c === '\\') {
      const kind = text[i + 1] ?? '';
      i += kind === 'x' ? 4 : kind === 'u' ? 6 : kind === 'U' ? 10 : 2;
    } else if (!double && c === "'" && text[i + 1] === "'") {
      i += 2;
    } else {
      i += 1;
    }
  }
  return i - from;
}

function firstLine(message: string): string {
  return (message.split(/ at line \d+, column \d+:/)[0] ?? message).trim();
}

/**
 * Parses one YAML document. Duplicate keys, several documents and bad aliases are syntax errors.
 * `work` (tests) counts the mapping entries read.
 */
export function readYaml(text: string, source: string, work?: ParseWork): YamlSource {
  const lines = text.split(/\r?\n/);
  const lineCounter = new LineCounter();
  // The yaml package's own duplicate-key check compares each key with every earlier key of its
  // mapping (quadratic: 20,000 keys took seconds); the Map visitor below does it with a set.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntaxIssues: Issue[] = doc.errors.map((error) => {
    const at = error.linePos?.[0] ?? { line: 1, col: 1 };
    return { source, line: at.line, column: at.col, path: '', message: `YAML: ${firstLine(error.message)}` };
  });
  const keyIndex = new Map<YAMLMap, Map<string, Pair>>();
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const item of map.items) {
        if (!isScalar(item.key)) continue;
        if (seen.has(item.key.value)) {
          const at = lineCounter.linePos(item.key.range?.[0] ?? 0);
          syntaxIssues.push({
            source,
            line: at.line,
            column: at.col,
            path: '',
            message: 'YAML: Map keys must be unique',
          });
        }
        seen.add(item.key.value);
      }
      if (work) work.mapItems += map.items.length;
    },
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        const at = lineCounter.linePos(alias.range?.[0] ?? 0);
        const message = `YAML: unknown alias *${alias.source}; define the anchor &${alias.source} before using it`;
        syntaxIssues.push({ source, line: at.line, column: at.col, path: '', message });
      }
    },
  });
  syntaxIssues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  let value: unknown;
  if (syntaxIssues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      syntaxIssues.push({
        source,
        line: 1,
        column: 1,
        path: '',
        message: `YAML: ${(error as Error).message}`,
      });
    }
  }

  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

  /** The pair of `map` whose key is written `key`; each mapping is indexed once, on first use. */
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = keyIndex.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items) {
        if (isPair(item) && isScalar(item.key) && !index.has(String(item.key.value))) {
          index.set(String(item.key.value), item);
        }
      }
      if (work) work.mapItems += map.items.length;
      keyIndex.set(map, index);
    }
    return index.get(key);
  };

  /** Walks as far as the file goes; returns the node reached and the key node that introduced it. */
  const walk = (path: FieldPath): { node: unknown; key: unknown; complete: boolean } => {
    let node: unknown = resolve(doc.contents);
    let key: unknown;
    for (const segment of path) {
      let next: unknown;
      let nextKey: unknown;
      if (isMap(node)) {
        const pair = pairOf(node, String(segment));
        if (pair) {
          next = resolve(pair.value);
          nextKey = pair.key;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = resolve(node.items[segment]);
      }
      if (next === undefined || next === null) {
        // A key written with no value (`bake:`) still has a position: its key.
        return { node: nextKey ?? node, key: nextKey ?? key, complete: false };
      }
      node = next;
      key = nextKey;
    }
    return { node, key, complete: true };
  };

  const startOf = (node: unknown): Position | undefined => {
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? position(range[0]) : undefined;
  };

  return {
    source,
    value,
    syntaxIssues,
    locate(path, at) {
      const { node, key, complete } = walk(path);
      const target = (at === 'key' || !complete) && key ? key : node;
      return startOf(target) ?? { line: 1, column: 1 };
    },
    locateInside(path, inner) {
      const { node, complete } = walk(path);
      if (!complete || !isScalar(node) || !node.range) return undefined;
      const start = position(node.range[0]);
      switch (node.type) {
        case 'PLAIN':
          return inner.line === 1 ? { line: start.line, column: start.column + inner.column - 1 } : undefined;
        case 'QUOTE_DOUBLE':
        case 'QUOTE_SINGLE': {
          if (inner.line !== 1) return undefined;
          const written = quotedLength(
            text,
            node.range[0] + 1,
            inner.column - 1,
            node.type === 'QUOTE_DOUBLE',
          );
          return written === undefined ? undefined : { line: start.line, column: start.column + 1 + written };
        }
        case 'BLOCK_LITERAL': {
          // The block's indentation is set by its first content line, the line after the `|`.
          const line = start.line + inner.line;
          const indent = /^ */.exec(lines[start.line] ?? '')?.[0].length ?? 0;
          return { line, column: indent + inner.column };
        }
        default:
          return undefined;
      }
    },
  };
}
