import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRolloutSpecs } from '../rollout-spec/load-spec-files.js';
import { DASHBOARD_FILES, renderDashboard } from './dashboards.js';
import { withGeneratedPromql } from './guardrail-promql-doc.js';
import { generateRolloutDashboard } from './rollout-dashboard-file.js';

// Entry point of `npm run dashboards`: writes dashboards/*.json, the generic ones and the flagship
// rollout's (the same file `rampart dashboards flags/mfa-staff.yaml --out dashboards` writes), and the
// generated section of docs/metrics-contract.md; with --check only compares and exits 1 when a
// committed file is out of date.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'dashboards');
const check = process.argv.includes('--check');
const files = DASHBOARD_FILES.map(({ file, build }) => ({ file, text: renderDashboard(build()) }));
const { specs, error } = await loadRolloutSpecs([join(root, 'flags', 'mfa-staff.yaml')]);
if (error) throw error;
for (const { spec } of specs) {
  const generated = generateRolloutDashboard(spec);
  if (generated.problems.length > 0) throw new Error(generated.problems.join('\n'));
  files.push(generated);
}
// The generated part of the metrics contract page sits between markers in the hand-written page.
const contractPage = join(root, 'docs', 'metrics-contract.md');
const page = { path: contractPage, text: withGeneratedPromql(await readFile(contractPage, 'utf8')) };
let stale = 0;
for (const { path, text } of [...files.map((f) => ({ path: join(outDir, f.file), text: f.text })), page]) {
  if (check) {
    const committed = await readFile(path, 'utf8').catch(() => '');
    if (committed !== text) {
      stale += 1;
      console.error(`${path} is out of date: run npm run dashboards`);
    }
  } else {
    await writeFile(path, text);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
