#!/usr/bin/env bash
# Installs what the tests need (setup-test-deps.sh), then runs every vitest suite, each to its end
# even when one before it failed, and closes with one line summed over all of them. .ci/run calls
# this too, so a fresh clone and CI run the same suites on the same setup.
set -euo pipefail
cd "$(dirname "$0")/.."

# In order, cheapest first; each is `npm run test:<name>`. A name with no such script (e.g. a
# suite another branch adds) is reported as skipped rather than failing the run.
SUITES=(unit validity integration e2e attack)
REPORTS=test-artifacts

start=$(date +%s)
log() { printf '\n=== %s (+%ss)\n' "$*" "$(($(date +%s) - start))"; }

log "setup: scripts/setup-test-deps.sh"
bash scripts/setup-test-deps.sh

mkdir -p "$REPORTS"
rm -f "$REPORTS"/vitest-*.json
scripts=$(node -p 'Object.keys(require("./package.json").scripts).join(" ")')
failed_suites=()
for suite in "${SUITES[@]}"; do
  if [[ " $scripts " != *" test:$suite "* ]]; then
    log "test:$suite: no such npm script, skipped"
    continue
  fi
  log "test:$suite"
  npm run "test:$suite" -- --reporter=default --reporter=json \
    "--outputFile.json=$REPORTS/vitest-$suite.json" || failed_suites+=("$suite")
done

log "summary"
((${#failed_suites[@]} == 0)) || echo "failed suites: ${failed_suites[*]}"
# One plain closing line over every vitest report of this run.
node -e '
  const fs = require("node:fs");
  const dir = process.argv[1];
  let passed = 0, failed = 0;
  for (const f of fs.readdirSync(dir).filter((n) => /^vitest-.*\.json$/.test(n))) {
    const r = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
  }
  console.log(`${passed} passed, ${failed} failed`);
' "$REPORTS"
((${#failed_suites[@]} == 0))
