import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../e2e/support/stack-files.js';

const run = promisify(execFile);
const tsc = join(REPO_ROOT, 'node_modules/.bin/tsc');

// A consumer package next to rampart as npm would lay it out: node_modules/rampart holds the
// package.json and the dist/ that the existing build writes. It sits under .tmp/ in the repository
// so rampart's own dependencies (prom-client, unleash-client) resolve as if npm had hoisted them.
let consumer: string;

beforeAll(async () => {
  await mkdir(join(REPO_ROOT, '.tmp'), { recursive: true });
  consumer = await mkdtemp(join(REPO_ROOT, '.tmp', 'instrument-consumer-'));
  const installed = join(consumer, 'node_modules', 'rampart');
  await mkdir(installed, { recursive: true });
  await run(tsc, ['-p', join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', join(installed, 'dist')], {
    cwd: REPO_ROOT,
  });
  await copyFile(join(REPO_ROOT, 'package.json'), join(installed, 'package.json'));
  await writeFile(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: { rampart: 'file:../rampart' },
    }),
  );
  await writeFile(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2023',
        strict: true,
        types: ['node'],
        outDir: 'out',
      },
      files: ['app.ts'],
    }),
  );
  await writeFile(
    join(consumer, 'app.ts'),
    [
      "import { Registry } from 'prom-client';",
      "import { FlagMetrics, instrumentUnleash, type UnleashLike, type Variant } from 'rampart/instrument';",
      'const registry = new Registry();',
      'const metrics = new FlagMetrics({ registry });',
      "const variant: Variant = 'control';",
      "metrics.login('u1', variant, 'failure');",
      "metrics.login('u1', variant, 'failure');",
      'const unleash: UnleashLike = { isEnabled: () => false, getFeatureToggleDefinitions: () => [], on: () => 0, off: () => 0 };',
      "const other = instrumentUnleash({ unleash, registry: new Registry(), flag: 'f' });",
      'const text = await registry.metrics();',
      'process.stdout.write(JSON.stringify({',
      "  resolved: import.meta.resolve('rampart/instrument'),",
      '  users: /login_users_total\\{variant="control",result="failure"\\} 1\\n/.test(text),',
      "  variant: other.evaluate({ userId: 'x' }).variant,",
      '}));',
    ].join('\n'),
  );
}, 300_000);

afterAll(async () => {
  if (consumer) await rm(consumer, { recursive: true, force: true });
});

describe('rampart/instrument as an installed package', () => {
  it('type-checks against the emitted declarations and runs from dist/', async () => {
    await run(tsc, ['-p', join(consumer, 'tsconfig.json')], { cwd: consumer });
    const { stdout } = await run(process.execPath, [join(consumer, 'out', 'app.js')], { cwd: consumer });
    const result = JSON.parse(stdout) as { resolved: string; users: boolean; variant: string };
    expect(result.resolved).toMatch(/node_modules\/rampart\/dist\/instrument\/index\.js$/);
    expect(result.users).toBe(true);
    expect(result.variant).toBe('control');
  });

  it('refuses a type error in the consumer, so the check above has teeth', async () => {
    await writeFile(
      join(consumer, 'app.ts'),
      "import { FlagMetrics } from 'rampart/instrument';\nnew FlagMetrics({});\n",
    );
    await expect(run(tsc, ['-p', join(consumer, 'tsconfig.json')], { cwd: consumer })).rejects.toMatchObject({
      stdout: expect.stringMatching(/registry/),
    });
  });
});
