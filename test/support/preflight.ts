import type { TestProject } from 'vitest/node';
import { hostProbe, missingServersMessage, missingTestServers, PROJECT_SERVERS } from './test-servers.js';

/**
 * vitest globalSetup of the projects that run real servers: checks them all once, before the first
 * test, so a machine without them gets one message with the one command to run instead of a
 * failure per test.
 */
export function setup(project: TestProject): void {
  const needed = PROJECT_SERVERS[project.name];
  if (needed === undefined)
    throw new Error(`preflight: no server list for the vitest project ${project.name}`);
  const missing = missingTestServers(needed, process.env, hostProbe);
  if (missing.length === 0) return;
  // Exit rather than throw: a throwing globalSetup makes vitest print "No test files found" and a
  // stack trace around the message, which sends a newcomer looking in the wrong place.
  process.stderr.write(`\n${missingServersMessage(project.name, missing)}\n\n`);
  process.exit(1);
}
