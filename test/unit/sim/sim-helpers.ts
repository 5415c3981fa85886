import { readFileSync } from 'node:fs';
import { MemoryStore } from '../../../src/sim/memory-store.js';
import { parseScenario, type Scenario } from '../../../src/sim/parse-scenario.js';
import { type RunOptions, runScenario } from '../../../src/sim/run-scenario.js';

/** Parses a scenario file (path relative to the repository root); throws with the messages if invalid. */
export async function loadFixture(file: string): Promise<Scenario> {
  const result = await parseScenario(readFileSync(file, 'utf8'), file);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export function run(scenario: Scenario, options: Partial<RunOptions> = {}) {
  return runScenario(scenario, { rule: 'rampart', openStore: async () => new MemoryStore(), ...options });
}
