#!/usr/bin/env bash
# Configures and builds infx. Usage: scripts/build.sh [release|asan]
#   release -> build/      (the `infx` users run; benchmarks included)
#   asan    -> build-asan/ (ASan + UBSan; what the test suite runs)
set -euo pipefail
cd "$(dirname "$0")/.."
flavor="${1:-release}"
jobs="$(nproc)"
case "$flavor" in
  release)
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build -j "$jobs" ;;
  asan)
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DINFX_SANITIZE=ON -DINFX_BUILD_BENCHMARKS=OFF >/dev/null
    cmake --build build-asan -j "$jobs" ;;
  *) echo "usage: $0 [release|asan]" >&2; exit 2 ;;
esac
