import { readFile } from 'node:fs/promises';
import type { ParseResult } from '../rollout-spec/parse-result.js';
import { parseScenario, type Scenario } from './parse-scenario.js';

/** Reads and parses one scenario file; a missing file is an error value like any other problem. */
export async function loadScenario(file: string): Promise<ParseResult<Scenario> | { ok: 'missing' }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { ok: 'missing' };
  }
  return parseScenario(text, file);
}
