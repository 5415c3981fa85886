#!/usr/bin/env bash
# Installs everything the integration and end-to-end tests run, on Debian (or a derivative):
# the servers come from apt, unleash-server from its own lockfile. Safe to run again: what is
# already there is skipped, so a second run takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL server (Unleash and the HA store), Prometheus + promtool, Alertmanager + amtool,
# Chromium for the status-page browser tests; ca-certificates for apt over https mirrors.
APT_PACKAGES=(postgresql prometheus prometheus-alertmanager chromium ca-certificates)
UNLEASH_DIR=servers/unleash-server
# npm ci rewrites node_modules, so its lockfile hash is kept there: a match means nothing changed.
UNLEASH_STAMP=$UNLEASH_DIR/node_modules/.rampart-lock-sha256

say() { printf 'setup-test-deps: %s\n' "$*"; }
fail() {
  say "$*" >&2
  exit 1
}

cat <<INFO
setup-test-deps: the tests run real servers on loopback ports. This installs what is missing of:
  - Debian packages: ${APT_PACKAGES[*]}
    (apt-get install: needs root, or sudo for your user)
  - unleash-server 7.4.1: npm ci --prefix $UNLEASH_DIR (its own lockfile, ~200 MB)
  - rampart's own dependencies (npm ci) if node_modules is missing
INFO

command -v dpkg-query >/dev/null && command -v apt-get >/dev/null ||
  fail "this machine has no dpkg/apt-get: install the equivalents of ${APT_PACKAGES[*]} yourself" \
    "(set PG_BIN, PROMETHEUS_BIN, PROMTOOL_BIN, ALERTMANAGER_BIN, AMTOOL_BIN if they are not on PATH;" \
    "Chromium must be /usr/bin/chromium), then run: npm ci --prefix $UNLEASH_DIR"

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  # dpkg -s also succeeds for removed-but-configured packages; the status word must be "installed".
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  say "Debian packages: all installed"
else
  if ((EUID == 0)); then
    as_root=()
  elif command -v sudo >/dev/null; then
    say "not root: running apt-get through sudo (it may ask for your password)"
    as_root=(sudo)
  else
    fail "apt-get needs root and sudo is not installed: run as root: apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ -d node_modules ]]; then
  say "rampart's node_modules: present"
else
  say "rampart's node_modules: missing, running npm ci"
  npm ci --no-audit --no-fund
fi

lock_hash=$(sha256sum "$UNLEASH_DIR/package-lock.json" | cut -d' ' -f1)
if [[ -f $UNLEASH_STAMP && $(<"$UNLEASH_STAMP") == "$lock_hash" ]]; then
  say "unleash-server: installed, matches its lockfile"
else
  say "unleash-server: running npm ci --prefix $UNLEASH_DIR"
  npm ci --prefix "$UNLEASH_DIR" --no-audit --no-fund
  printf '%s\n' "$lock_hash" >"$UNLEASH_STAMP"
fi

say "done"
