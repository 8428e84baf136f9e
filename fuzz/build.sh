#!/usr/bin/env bash
# Builds the libFuzzer harness with clang (Debian: clang libclang-rt-14-dev)
# and optionally runs it: fuzz/build.sh [seconds]. (The coroutine server
# itself is not linked: clang 14 cannot compile Boost 1.74's awaitable with
# libstdc++; the harness feeds Beast's parser as the server does.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="${FUZZ_OUT:-$root/build-fuzz}"
mkdir -p "$out/corpus"
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I"$root/src" \
  "$here/request_fuzz.cc" \
  "$root/src/emulator/openai_api.cc" "$root/src/emulator/text_gen.cc" \
  "$root/src/http/sse.cc" \
  "$root/src/common/files.cc" "$root/src/common/result.cc" \
  -lfmt -lyaml-cpp -lboost_system -lpthread -o "$out/request_fuzz"
cp "$here"/corpus/* "$out/corpus/" 2>/dev/null || true
if [ "${1:-}" != "" ]; then
  "$out/request_fuzz" -max_total_time="$1" -max_len=4096 "$out/corpus"
fi
