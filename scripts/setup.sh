#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the runtime need.
# Idempotent and non-interactive; run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl ccache
  clang-format
  libboost-dev libboost-system-dev
  libssl-dev
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libfmt-dev
  libsqlite3-dev sqlite3
  libpq-dev libpqxx-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
