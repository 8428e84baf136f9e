#!/usr/bin/env bash
# The whole test suite: unit and integration tests under ASan + UBSan, with
# the servers they need (PostgreSQL) started first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh asan
if [ -x scripts/start-services.sh ]; then
  # shellcheck disable=SC1091
  source scripts/start-services.sh
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-asan --output-on-failure -j "$(nproc)" --timeout 600
