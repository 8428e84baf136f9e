#!/usr/bin/env bash
# The main job: build infx and run the quickstart against the built-in
# emulator, printing the frontier and writing the report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release
build/infx --version
build/infx hardware list
build/infx model show llama-3.1-8b
