#!/usr/bin/env bash
# The whole test suite: unit and integration tests under ASan + UBSan, with
# the servers they need (PostgreSQL) started first; then the real-time
# fidelity tests again in the release build, where they are judged (a
# sanitized server is several times slower than the one users run, so those
# tests skip themselves under ASan).
set -euo pipefail
cd "$(dirname "$0")/.."
REALTIME_TESTS="EmulatorCurveTest|DropAtHighBatchIsSignificant"

scripts/build.sh asan
if [ -f scripts/start-services.sh ]; then
  # shellcheck disable=SC1091
  source scripts/start-services.sh
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-asan --output-on-failure -j "$(nproc)" --timeout 600

# libFuzzer harnesses (server request parsing; client SSE parser, stream
# chunks, HTTP response handling), each for a short fixed time.
fuzz/build.sh "${INFX_FUZZ_SECONDS:-20}"

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target infx_emulator_itest infx_eval_itest
ctest --test-dir build --output-on-failure --timeout 600 -R "$REALTIME_TESTS"
