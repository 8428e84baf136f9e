#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (Debian: clang libclang-rt-14-dev)
# and optionally runs each for a fixed time: fuzz/build.sh [seconds].
#   request_fuzz          the emulator's request handling (server side)
#   client_sse_fuzz       the client's incremental SSE parser
#   client_chunk_fuzz     the client's stream-chunk reader
#   client_response_fuzz  the client's HTTP response handling (ResponseReader)
# (The coroutine server and client are not linked: clang 14 cannot compile
# Boost 1.74's awaitable with libstdc++; the harnesses feed the parsers the
# coroutines feed.) A crash, sanitizer report or failed invariant exits
# non-zero and leaves the input in build-fuzz/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
src="$root/src"
out="${FUZZ_OUT:-$root/build-fuzz}"
mkdir -p "$out"
build() {  # name sources...
  local name="$1"
  shift
  clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$src" "$here/$name.cc" "$@" \
    -lfmt -lyaml-cpp -lboost_system -lpcre2-8 $(pkg-config --libs icu-uc) -lpthread -o "$out/$name"
}
common=("$src/common/result.cc" "$src/metrics/request_record.cc")
# The emulator counts prompt tokens with a tokenizer when it has one.
tokenizer=()
for f in "$src"/tokenizer/*.cc; do
  case "$f" in *_test.cc) ;; *) tokenizer+=("$f") ;; esac
done
build request_fuzz "$src/emulator/openai_api.cc" "$src/emulator/text_gen.cc" \
  "$src/http/sse.cc" "$src/common/files.cc" "$src/common/result.cc" \
  "${tokenizer[@]}"
build client_sse_fuzz "$src/client/sse_parser.cc"
build client_chunk_fuzz "$src/client/stream_chunk.cc" "${common[@]}"
build client_response_fuzz "$src/client/response_reader.cc" \
  "$src/client/sse_parser.cc" "$src/client/stream_chunk.cc" "${common[@]}"

# Seed corpora: fuzz/corpus (requests), fuzz/corpus_<name minus _fuzz>.
mkdir -p "$out/corpus"
cp "$here"/corpus/* "$out/corpus/" 2>/dev/null || true
for name in client_sse client_chunk client_response; do
  mkdir -p "$out/corpus_$name"
  cp "$here/corpus_$name"/* "$out/corpus_$name/" 2>/dev/null || true
done
if [ "${1:-}" != "" ]; then
  run() {  # name corpus
    echo "fuzz: $1 for $2 s"
    "$out/$1" -max_total_time="$2" -max_len=4096 -print_final_stats=0 \
      -artifact_prefix="$out/$1-" "$3" 2>&1 | tail -n 3
    return "${PIPESTATUS[0]}"
  }
  run request_fuzz "$1" "$out/corpus"
  run client_sse_fuzz "$1" "$out/corpus_client_sse"
  run client_chunk_fuzz "$1" "$out/corpus_client_chunk"
  run client_response_fuzz "$1" "$out/corpus_client_response"
fi
