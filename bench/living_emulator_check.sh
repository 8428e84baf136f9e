#!/usr/bin/env bash
# Real-emulator check of `infx compare` (issue 14): a small matrix swept
# against the emulator (noise 0.02, 3 repetitions) N times, then once more
# unchanged (false alarms) and once with the engine 5% slower (power).
# Prints the share of config series whose throughput verdict is "worse".
# Usage: bench/living_emulator_check.sh [INFX] [WORKDIR] [RUNS]
set -euo pipefail
infx="$(realpath "${1:-build/infx}")"
dir="${2:-$(mktemp -d)}"
runs="${3:-6}"
cd "$dir"  # sweep reports land here
db="$dir/check.db"
rm -f "$db"
sweep() {  # $1 time_scale
  cat >"$dir/m.yaml" <<YAML
name: living-check
seed: 5
repetitions: 3
target:
  type: emulator
  emulator: {time_scale: $1, noise: 0.02}
configs:
  - {model: llama-3.1-8b, hardware: h200, precision: bf16, tp: [1, 2, 4]}
workloads: [{isl: 64, osl: 32}]
concurrency: [1, 4, 16]
prompts: {per_concurrency: 2, min: 8}
YAML
  "$infx" sweep "$dir/m.yaml" --db "$db" --quiet
}
share() {  # worse share of config throughput rows in compare --json
  "$infx" compare --db "$db" --json | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin)["rows"]
        if not r["series"].startswith("frontier/")
        and r["metric"] == "tput_per_gpu"]
worse = sum(r["verdict"] == "worse" for r in rows)
print(f"{worse}/{len(rows)} config series called worse; verdicts:",
      sorted(set(r["verdict"] for r in rows)))'
}
for _ in $(seq "$runs"); do sweep 2.0; done
sweep 2.0
echo "identical re-run (false alarms):"; share
sweep 2.105263
echo "5% slower (power):"; share
