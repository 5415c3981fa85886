import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateRolloutDashboard } from '../dashboards/rollout-dashboard-file.js';
import { formatIssue } from '../errors/validation-error.js';
import { loadRolloutSpecs } from '../rollout-spec/load-spec-files.js';
import type { Command } from './command.js';
import { EXIT, usageError } from './command.js';

export const dashboardsCommand: Command = {
  name: 'dashboards',
  summary: 'Generate one Grafana dashboard per rollout from its spec.',
  usage: 'rampart dashboards [PATH...] --out DIR [--check]',
  details: `Arguments:
  PATH       A rollout spec or a folder of them (recursively; kind: Config files are
             skipped). Default: flags/

Options:
  --out DIR  Where to write: DIR/rollout-NAME.json per rollout (the folder is created).
  --check    Write nothing; fail when a file in DIR differs from what would be written.
  -h, --help

Each dashboard shows the rollout's percentage and phase, its transitions and rollbacks as
annotations, and per guardrail the data it judges (the PromQL its queries compile to, with the
spec's matchers, treatment next to control) beside rampart's estimate and bound. Every
query is parsed with Prometheus' grammar and the JSON checked against the Grafana dashboard
shape before anything is written.

Exit codes:
  0  written (or, with --check, up to date)
  1  an invalid spec, a dashboard that failed its checks, or --check found a stale file
  2  usage error (no --out, a PATH that does not exist)`,
  options: { out: { type: 'string' }, check: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, { io }) {
    const out = values.out;
    if (typeof out !== 'string' || out === '')
      return usageError(io, dashboardsCommand, '--out DIR is required');
    const paths = positionals.length > 0 ? positionals : ['flags/'];
    const { specs, error } = await loadRolloutSpecs(paths);
    if (error) {
      const missing = error.issues.filter((i) => i.message === 'no such file or directory');
      if (missing.length > 0)
        return usageError(
          io,
          dashboardsCommand,
          `no such file or directory: ${missing.map((i) => i.source).join(', ')}`,
        );
      for (const issue of error.issues) io.err(`${formatIssue(issue)}\n`);
      return EXIT.failed;
    }
    if (specs.length === 0) {
      io.err(`no rollout specs found in ${paths.join(', ')}\n`);
      return EXIT.failed;
    }
    const generated = specs.map(({ spec }) => ({ spec, ...generateRolloutDashboard(spec) }));
    const broken = generated.filter((g) => g.problems.length > 0);
    for (const g of broken) for (const p of g.problems) io.err(`${g.spec.name}: ${p}\n`);
    if (broken.length > 0) return EXIT.failed;
    if (values.check) {
      let stale = 0;
      for (const g of generated) {
        const path = join(out, g.file);
        const committed = await readFile(path, 'utf8').catch(() => undefined);
        if (committed !== g.text) {
          stale += 1;
          io.err(`${path} is out of date: run rampart dashboards ${paths.join(' ')} --out ${out}\n`);
        }
      }
      if (stale === 0) io.out(`${generated.length} dashboard(s) up to date in ${out}\n`);
      return stale === 0 ? EXIT.ok : EXIT.failed;
    }
    await mkdir(out, { recursive: true });
    for (const g of generated) {
      const path = join(out, g.file);
      await writeFile(path, g.text);
      io.out(`wrote ${path} (rollout ${g.spec.name}, ${g.spec.guardrails.length} guardrail(s))\n`);
    }
    return EXIT.ok;
  },
};
