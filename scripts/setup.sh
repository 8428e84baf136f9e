#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the runtime need.
# Idempotent and non-interactive; run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl ccache
  clang-format
  clang libclang-rt-14-dev
  libboost-dev libboost-system-dev
  libssl-dev
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libfmt-dev
  libsqlite3-dev sqlite3
  libpcre2-dev libicu-dev
  libpq-dev libpqxx-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev
  libceres-dev libeigen3-dev
  nodejs chromium
  munge slurmctld slurmd slurm-client
  python3
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
else
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm: Debian's package where Node came from Debian (a Node from elsewhere,
# e.g. NodeSource, brings its own npm and conflicts with Debian's).
if ! command -v npm >/dev/null; then
  echo "setup: installing npm"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends npm
fi

# The dashboard's front end (web/): the exact packages of package-lock.json
# (ECharts, esbuild, puppeteer-core), reinstalled only when the lock changed.
(
  cd "$(dirname "$0")/../web"
  lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ "$(cat node_modules/.infx-lock-sha256 2>/dev/null)" != "$lock_sum" ]; then
    echo "setup: npm ci (web/)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_sum" > node_modules/.infx-lock-sha256
  else
    echo "setup: web/node_modules match package-lock.json"
  fi
)
