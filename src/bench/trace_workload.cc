#include "bench/trace_workload.h"

#include <algorithm>
#include <cmath>

namespace infx::bench {
void TokenIdsToWords(const std::vector<int32_t>& ids, std::string& text) {
  text.reserve(ids.size() * 4);
  for (int32_t id : ids) {
    const auto u = static_cast<uint32_t>(id);
    text.push_back(' ');
    text.push_back(static_cast<char>('a' + u % 26));
    text.push_back(static_cast<char>('a' + (u / 26) % 26));
    text.push_back(static_cast<char>('a' + (u / 676) % 26));
  }
}

bool IsTraceDataset(std::string_view name) { return name == "mooncake"; }

TraceWorkload MooncakeWorkload(const std::vector<trace::MooncakeRow>& rows,
                               const DatasetSpec& spec, uint64_t seed) {
  TraceWorkload w;
  trace::BlockSynthesizer synth(spec.hash_block_size, spec.vocab_size, seed);
  w.prompts.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    Prompt& p = w.prompts[i];
    p.prompt_len = rows[i].input_length;
    p.max_tokens =
        spec.output_len > 0 ? spec.output_len : rows[i].output_length;
    synth.Append(rows[i], p.token_ids);
    if (spec.text_prompts) {
      TokenIdsToWords(p.token_ids, p.text);
      p.token_ids.clear();
      p.token_ids.shrink_to_fit();
    }
  }
  if (spec.trace_timestamps && !rows.empty()) {
    const int64_t t0 = rows.front().timestamp_ms;
    w.offsets_ns.reserve(rows.size());
    for (const trace::MooncakeRow& r : rows) {
      w.offsets_ns.push_back(static_cast<int64_t>(
          std::llround((r.timestamp_ms - t0) * 1e6 / spec.trace_speedup)));
    }
  }
  w.theoretical = trace::TheoreticalHitRate(rows, spec.hash_block_size);
  return w;
}

Result<TraceWorkload> MakeTraceWorkload(const DatasetSpec& spec,
                                        int64_t num_prompts, uint64_t seed) {
  if (!IsTraceDataset(spec.name)) {
    return Status::InvalidArgument("'" + spec.name +
                                   "' is not a trace dataset");
  }
  if (spec.path.empty()) {
    return Status::InvalidArgument("--dataset-name " + spec.name +
                                   " needs --dataset-path FILE");
  }
  if (!(spec.trace_speedup > 0) || !std::isfinite(spec.trace_speedup)) {
    return Status::InvalidArgument("--trace-speedup must be > 0");
  }
  INFX_ASSIGN_OR_RETURN(std::vector<trace::MooncakeRow> rows,
                        trace::LoadMooncake(spec.path, spec.hash_block_size));
  if (std::cmp_less(num_prompts, rows.size())) {
    rows.resize(static_cast<size_t>(std::max<int64_t>(0, num_prompts)));
  }
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].timestamp_ms < rows[i - 1].timestamp_ms &&
        spec.trace_timestamps) {
      return Status::InvalidArgument(
          spec.path + ":" + std::to_string(i + 1) +
          ": timestamps must not decrease (or pass --ignore-trace-timestamps)");
    }
  }
  return MooncakeWorkload(rows, spec, seed);
}

}  // namespace infx::bench
