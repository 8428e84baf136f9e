#include "emulator/answers.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/files.h"
#include "common/jsonl.h"
#include "emulator/text_gen.h"

namespace infx::emulator {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

Result<double> ParseNumber(std::string_view text, std::string_view what) {
  const std::string t = Trim(text);
  double v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) {
    return Status::InvalidArgument("bad " + std::string(what) + " '" + t + "'");
  }
  return v;
}

}  // namespace

Result<AccuracySpec> AccuracySpec::Parse(std::string_view spec) {
  AccuracySpec out;
  const std::string where = "--answer-accuracy '" + std::string(spec) + "'";
  std::stringstream ss{std::string(spec)};
  std::string item;
  while (std::getline(ss, item, ',')) {
    const size_t colon = item.find(':');
    int64_t batch = 1;
    std::string p_text = item;
    if (colon != std::string::npos) {
      INFX_ASSIGN_OR_RETURN(double b,
                            ParseNumber(item.substr(0, colon), "batch size"));
      batch = static_cast<int64_t>(b);
      p_text = item.substr(colon + 1);
    }
    auto p = ParseNumber(p_text, "probability");
    if (!p.ok()) return p.status().WithContext(where);
    if (*p < 0 || *p > 1)
      return Status::InvalidArgument(where + ": probability outside [0, 1]");
    if (!out.steps_.empty() && batch <= out.steps_.back().first) {
      return Status::InvalidArgument(where +
                                     ": batch thresholds must increase");
    }
    out.steps_.emplace_back(batch, *p);
  }
  if (out.steps_.empty()) return Status::InvalidArgument(where + ": empty");
  return out;
}

double AccuracySpec::At(int64_t running_batch) const {
  double p = steps_.front().second;
  for (const auto& [batch, prob] : steps_) {
    if (running_batch >= batch) p = prob;
  }
  return p;
}

Result<AnswerKey> AnswerKey::Load(const std::string& path) {
  INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  AnswerKey key;
  INFX_RETURN_IF_ERROR(ForEachJsonObjectLine(
      text, path, [&](const nlohmann::json& obj, const std::string& where) {
        if (!obj.contains("question") || !obj.contains("answer") ||
            !obj["question"].is_string() || !obj["answer"].is_string()) {
          return Status::ParseError(
              where + ": expected {\"question\": str, \"answer\": str}");
        }
        const std::string answer = obj["answer"];
        const size_t mark = answer.rfind("####");
        if (mark == std::string::npos) {
          return Status::ParseError(where +
                                    ": answer does not end in '#### N'");
        }
        std::string number = Trim(answer.substr(mark + 4));
        std::erase(number, ',');
        key.entries_.push_back(
            {Trim(obj["question"].get<std::string>()), number});
        return Status::Ok();
      }));
  if (key.entries_.empty()) return Status::ParseError(path + ": no questions");
  key.BuildIndex();
  return key;
}

void AnswerKey::BuildIndex() {
  by_prefix_.clear();
  short_questions_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) {
    const std::string& q = entries_[i].question;
    if (q.empty()) continue;
    if (q.size() < kPrefixChars) {
      short_questions_.push_back(i);
    } else {
      by_prefix_[q.substr(0, kPrefixChars)].push_back(i);
    }
  }
}

std::optional<size_t> AnswerKey::Match(std::string_view prompt) const {
  std::optional<size_t> best;
  size_t best_pos = 0;
  auto consider = [&](size_t i, size_t pos) {
    if (!best || pos > best_pos ||
        (pos == best_pos &&
         entries_[i].question.size() > entries_[*best].question.size())) {
      best = i;
      best_pos = pos;
    }
  };
  // Scan start positions from the end: the first full match is the last.
  std::string window;
  for (size_t pos =
           prompt.size() >= kPrefixChars ? prompt.size() - kPrefixChars + 1 : 0;
       pos-- > 0 && !best;) {
    window.assign(prompt.substr(pos, kPrefixChars));
    auto it = by_prefix_.find(window);
    if (it == by_prefix_.end()) continue;
    for (size_t i : it->second) {
      if (prompt.substr(pos).starts_with(entries_[i].question))
        consider(i, pos);
    }
  }
  for (size_t i : short_questions_) {
    const size_t pos = prompt.rfind(entries_[i].question);
    if (pos != std::string_view::npos) consider(i, pos);
  }
  return best;
}

std::string AnswerKey::Reply(size_t index, double p, uint64_t seed) const {
  const Entry& e = entries_[index];
  const uint64_t h = HashText(e.question, seed);
  const double u = (h >> 11) * (1.0 / 9007199254740992.0);
  std::string number = e.answer_number;
  if (u >= p) {
    // A wrong number: the right one shifted by 1..9 (or a fixed one if the
    // key's answer is not an integer).
    long long v = 0;
    auto [ptr, ec] =
        std::from_chars(number.data(), number.data() + number.size(), v);
    const long long shift = 1 + static_cast<long long>((h >> 7) % 9);
    number = (ec == std::errc() && ptr == number.data() + number.size())
                 ? std::to_string(v + shift)
                 : std::to_string(shift);
  }
  return "Let me work through the problem step by step and add up the amounts. "
         "The answer is " +
         number + ".\n#### " + number;
}

}  // namespace infx::emulator
