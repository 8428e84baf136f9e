// Trace workloads: datasets replayed from a trace file rather than sampled
// (`--dataset-name mooncake --dataset-path FILE`). A trace gives the
// prompts (synthesized so that shared hash ids are shared token blocks),
// optionally their arrival offsets (the trace's timestamps divided by
// --trace-speedup; none with --ignore-trace-timestamps, then the
// concurrency cap alone paces the rows), and the trace's theoretical
// prefix-cache hit rate. The first `num_prompts` rows are replayed, in
// order, never cycled. docs/workloads.md.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench/workload.h"
#include "common/result.h"
#include "trace/mooncake.h"

namespace infx::bench {

struct TraceWorkload {
  std::vector<Prompt> prompts;
  // Due offset of each prompt from the first one (ns); empty = untimed.
  std::vector<int64_t> offsets_ns;
  trace::HitRate theoretical;  // over the replayed rows
};

// True for datasets handled here ("mooncake").
bool IsTraceDataset(std::string_view name);

// Reads spec.path, keeps the first `num_prompts` rows and synthesizes their
// prompts (token ids; with spec.text_prompts, four-byte words, one per
// token). Errors name file:line.
Result<TraceWorkload> MakeTraceWorkload(const DatasetSpec& spec,
                                        int64_t num_prompts, uint64_t seed);

// One four-byte word (" " + three letters) per token id, appended to
// `text`: what chat prompts carry instead of ids (the chars/4 rule and the
// emulator's byte-block prefix hashing see one token per word).
void TokenIdsToWords(const std::vector<int32_t>& ids, std::string& text);

// The same from rows already read (for benchmarks and tests).
TraceWorkload MooncakeWorkload(const std::vector<trace::MooncakeRow>& rows,
                               const DatasetSpec& spec, uint64_t seed);

}  // namespace infx::bench
