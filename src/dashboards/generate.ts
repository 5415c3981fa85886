import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARD_FILES, renderDashboard } from './dashboards.js';

// Entry point of `npm run dashboards`: writes dashboards/*.json; with --check only compares and
// exits 1 when a committed file is out of date.
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboards');
const check = process.argv.includes('--check');
let stale = 0;
for (const { file, build } of DASHBOARD_FILES) {
  const path = join(outDir, file);
  const text = renderDashboard(build());
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
