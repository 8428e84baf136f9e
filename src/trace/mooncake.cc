#include "trace/mooncake.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "common/jsonl.h"

namespace infx::trace {
namespace {

using nlohmann::json;

Result<int64_t> IntField(const json& j, const char* key, int64_t min,
                         const std::string& where) {
  auto it = j.find(key);
  if (it == j.end())
    return Status::ParseError(fmt::format("{}: missing '{}'", where, key));
  if (!it->is_number_integer() || it->get<int64_t>() < min) {
    return Status::ParseError(
        fmt::format("{}: '{}' must be an integer >= {}", where, key, min));
  }
  return it->get<int64_t>();
}

Result<MooncakeRow> ParseRow(const json& j, const std::string& where,
                             int64_t block) {
  MooncakeRow row;
  INFX_ASSIGN_OR_RETURN(row.timestamp_ms, IntField(j, "timestamp", 0, where));
  INFX_ASSIGN_OR_RETURN(row.input_length,
                        IntField(j, "input_length", 1, where));
  INFX_ASSIGN_OR_RETURN(row.output_length,
                        IntField(j, "output_length", 1, where));
  auto ids = j.find("hash_ids");
  if (ids == j.end() || !ids->is_array()) {
    return Status::ParseError(where + ": 'hash_ids' must be a list");
  }
  row.hash_ids.reserve(ids->size());
  for (const json& id : *ids) {
    if (!id.is_number_integer()) {
      return Status::ParseError(where + ": 'hash_ids' must hold integers");
    }
    row.hash_ids.push_back(id.get<int64_t>());
  }
  const int64_t expected = (row.input_length + block - 1) / block;
  if (static_cast<int64_t>(row.hash_ids.size()) != expected) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} hash_ids do not fit input_length {} with {}-token blocks "
        "(expected {}; see --hash-block-size)",
        where, row.hash_ids.size(), row.input_length, block, expected));
  }
  return row;
}

}  // namespace

Result<std::vector<MooncakeRow>> ParseMooncake(const std::string& text,
                                               const std::string& what,
                                               int64_t hash_block_size) {
  if (hash_block_size < 1) {
    return Status::InvalidArgument("--hash-block-size must be >= 1");
  }
  std::vector<MooncakeRow> rows;
  INFX_RETURN_IF_ERROR(ForEachJsonObjectLine(
      text, what, [&](const json& j, const std::string& where) {
        INFX_ASSIGN_OR_RETURN(MooncakeRow row,
                              ParseRow(j, where, hash_block_size));
        rows.push_back(std::move(row));
        return Status::Ok();
      }));
  if (rows.empty()) return Status::InvalidArgument(what + ": no rows");
  return rows;
}

Result<std::vector<MooncakeRow>> LoadMooncake(const std::string& path,
                                              int64_t hash_block_size) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok())
    return Status::NotFound("cannot open trace file '" + path + "'");
  return ParseMooncake(*text, path, hash_block_size);
}

BlockSynthesizer::BlockSynthesizer(int64_t hash_block_size, int64_t vocab_size,
                                   uint64_t seed)
    : block_size_(std::max<int64_t>(1, hash_block_size)),
      vocab_size_(std::max<int64_t>(101, vocab_size)),
      seed_(seed) {}

const std::vector<int32_t>& BlockSynthesizer::Block(int64_t hash_id) {
  auto [it, inserted] = blocks_.try_emplace(hash_id);
  if (!inserted) return it->second;
  // splitmix64 over (seed, id): portable, independent of insertion order.
  uint64_t state =
      seed_ ^ (static_cast<uint64_t>(hash_id) * 0xD1B54A32D192ED03ull);
  const auto span = static_cast<uint64_t>(vocab_size_ - 100);
  std::vector<int32_t>& block = it->second;
  block.resize(static_cast<size_t>(block_size_));
  for (int32_t& t : block) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    t = static_cast<int32_t>(100 + z % span);
  }
  return block;
}

void BlockSynthesizer::Append(const MooncakeRow& row,
                              std::vector<int32_t>& out) {
  int64_t left = row.input_length;
  out.reserve(out.size() + static_cast<size_t>(left));
  for (int64_t id : row.hash_ids) {
    if (left <= 0) break;
    const std::vector<int32_t>& block = Block(id);
    const int64_t n = std::min(left, block_size_);
    out.insert(out.end(), block.begin(), block.begin() + n);
    left -= n;
  }
}

HitRate TheoreticalHitRate(const std::vector<MooncakeRow>& rows,
                           int64_t hash_block_size) {
  HitRate rate;
  std::unordered_map<int64_t, int64_t> seen;  // id -> longest length seen
  for (const MooncakeRow& row : rows) {
    int64_t hit = 0;
    int64_t left = row.input_length;
    bool matching = true;
    for (int64_t id : row.hash_ids) {
      const int64_t len = std::min(left, hash_block_size);
      left -= len;
      auto it = seen.find(id);
      if (matching && it != seen.end()) {
        hit += std::min(len, it->second);
        if (it->second < len) matching = false;
      } else {
        matching = false;
      }
      int64_t& longest = seen[id];
      longest = std::max(longest, len);
    }
    rate.prompt_tokens += row.input_length;
    rate.hit_tokens += std::min(hit, row.input_length - 1);
  }
  return rate;
}

}  // namespace infx::trace
