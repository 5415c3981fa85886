import { build } from 'esbuild';

/**
 * Bundles one test entry point into a single ESM file (dependencies stay external), so a test that
 * restarts a child process many times pays for one compile instead of tsx compiling on every start.
 */
export async function bundleEntry(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
}
