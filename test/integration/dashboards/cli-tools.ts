import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The binary from `$envVar` or PATH. Missing tools fail the suite rather than skip it: a skipped
 * check would let broken rules through unnoticed, in CI and on a laptop alike.
 */
export function requireTool(name: string, envVar: string, debianPackage: string): string {
  const fromEnv = process.env[envVar];
  const candidates = fromEnv
    ? [fromEnv]
    : (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {}
  }
  throw new Error(
    `${name} not found (${fromEnv ? `${envVar}=${fromEnv}` : 'not on PATH'}): install the Debian package ` +
      `\`${debianPackage}\` (apt-get install -y --no-install-recommends ${debianPackage}) or set ${envVar}`,
  );
}

export interface Run {
  code: number;
  output: string;
}

export function run(bin: string, args: string[], cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
