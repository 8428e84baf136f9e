#!/usr/bin/env bash
# Fit/test split of the published TensorRT-LLM rows (docs/validation.md,
# section 3): per (model, GPU) group, odd rows fit and even rows test; the
# test rows are predicted with the fitted file (infx calibrate --evaluate).
# Usage: OUT=/tmp/val INFX=build/infx scripts/calibrate/published_split.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
INFX="$(realpath "${INFX:-$repo/build/infx}")"
CSV="$(realpath "${CSV:-$repo/examples/published-trtllm.csv}")"
OUT="${OUT:-.}"
mkdir -p "$OUT" && cd "$OUT"
rm -f val.db val.db-wal val.db-shm fit.csv test.csv
grep -v '^#' "$CSV" | awk -F, 'NR==1{print > "fit.csv"; print > "test.csv"; next}
  {k=$2","$3; n[k]++; print > (n[k]%2 ? "fit.csv" : "test.csv")}'
"$INFX" import-measurements fit.csv --source trtllm-1.0-fit --db val.db
"$INFX" import-measurements test.csv --source trtllm-1.0-test --db val.db
for hw in h200 h100; do
  "$INFX" calibrate --db val.db --run 1 --hardware "$hw" -o "$hw.yaml" \
    --json > "fit-$hw.json"
  "$INFX" calibrate --db val.db --run 2 --hardware "$hw" \
    --evaluate "$hw.yaml" --json > "test-$hw.json"
  jq -r --arg hw "$hw" '"\($hw): fit rows \(.median_abs_error_default) -> \(.median_abs_error) (held out per config \(.leave_one_config_out.median_abs_error))"' "fit-$hw.json"
  jq -r --arg hw "$hw" '"\($hw): test rows \(.median_abs_error_default) -> \(.median_abs_error)"' "test-$hw.json"
done
