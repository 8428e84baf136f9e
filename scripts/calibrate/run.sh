#!/usr/bin/env bash
# Builds and runs the calibration probe on the local GPU and writes
# scripts/calibrate/out/<gpu>.yaml for `infx plan --calibration`.
# Usage: scripts/calibrate/run.sh [gpu-name] [probe options...]
#   e.g. scripts/calibrate/run.sh h200 --peak-bf16-tflops 989 \
#          --peak-fp8-tflops 1979 --peak-hbm-tbs 4.8
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
gpu="${1:-h200}"
shift || true
arch="${INFX_CUDA_ARCH:-sm_90}"
out="${INFX_CALIBRATION_DIR:-$here/out}"
mkdir -p "$out"
nvcc -O3 -std=c++17 -arch="$arch" "$here/calibrate.cu" -lcublas -lcublasLt \
  -o "$out/calibrate-$gpu"
"$out/calibrate-$gpu" "$@" | tee "$out/$gpu.log"
grep -v '^#' "$out/$gpu.log" > "$out/$gpu.yaml"
echo "wrote $out/$gpu.yaml (use: infx plan --calibration $out/$gpu.yaml)"
