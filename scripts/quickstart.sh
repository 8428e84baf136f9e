#!/usr/bin/env bash
# The main job: build infx and run the quickstart against the built-in
# emulator, printing the frontier and writing the report.
set -euo pipefail
cd "$(dirname "$0")/.."
# Only what the main job needs: the `infx` binary and the dashboard's bundle
# (when web/node_modules is installed); tests and benchmarks build with
# `scripts/build.sh release`.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=(infx)
if cmake --build build --target help | grep -q '^infx_web_bundle:'; then
  targets+=(infx_web_bundle)
fi
cmake --build build -j "$(nproc)" --target "${targets[@]}"
build/infx --version

# Two Llama-3.1 models on emulated H200s, 45 points, a few minutes.
# Every point lands in out/quickstart.db the moment it completes; the
# frontier is printed at the end and the report written beside the db.
build/infx sweep examples/quickstart.yaml --db out/quickstart.db \
  --report out/quickstart.html "$@"
echo "open out/quickstart.html in a browser; infx frontier --db out/quickstart.db for more"
