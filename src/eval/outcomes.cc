#include "eval/outcomes.h"

#include <exception>
#include <string_view>
#include <unordered_map>

#include "common/files.h"
#include "common/jsonl.h"

namespace infx::eval {
namespace {

std::string StringOr(const nlohmann::json& obj, const char* key,
                     std::string fallback = "") {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// Pulls (question, response, reference) out of one offline-scoring line.
Status ReadResponseLine(const nlohmann::json& obj, const std::string& where,
                        Gsm8kItem* item, std::string* response) {
  const nlohmann::json* src = &obj;
  auto doc = obj.find("doc");
  if (doc != obj.end() && doc->is_object()) src = &*doc;
  item->question = StringOr(*src, "question");
  if (item->question.empty()) {
    return Status::ParseError(where + ": missing string field 'question'");
  }
  item->answer = StringOr(*src, "answer", StringOr(obj, "target"));
  auto resps = obj.find("resps");
  if (obj.contains("response") && obj["response"].is_string()) {
    *response = obj["response"].get<std::string>();
  } else if (resps != obj.end() && resps->is_array() && !resps->empty() &&
             (*resps)[0].is_array() && !(*resps)[0].empty() &&
             (*resps)[0][0].is_string()) {
    *response = (*resps)[0][0].get<std::string>();
  } else {
    return Status::ParseError(where +
                              ": missing string field 'response' (or "
                              "lm-eval 'resps')");
  }
  return Status::Ok();
}

}  // namespace

QuestionOutcome MakeOutcome(size_t doc_id, const Gsm8kItem& item,
                            std::string response, StrictPattern pattern) {
  QuestionOutcome out;
  out.doc_id = doc_id;
  out.question = item.question;
  out.reference = item.answer;
  ScoredResponse scored = ScoreResponse(response, item.answer, pattern);
  out.response = std::move(response);
  out.strict_answer = std::move(scored.strict_answer);
  out.flexible_answer = std::move(scored.flexible_answer);
  out.strict_correct = scored.strict_correct;
  out.flexible_correct = scored.flexible_correct;
  return out;
}

nlohmann::json OutcomeToJson(const QuestionOutcome& o) {
  return {
      {"doc_id", o.doc_id},
      {"question", o.question},
      {"reference", o.reference},
      {"response", o.response},
      {"strict_answer", o.strict_answer},
      {"flexible_answer", o.flexible_answer},
      {"strict_correct", o.strict_correct},
      {"flexible_correct", o.flexible_correct},
      {"error", o.error.empty() ? nlohmann::json() : nlohmann::json(o.error)},
      {"prompt_tokens", o.prompt_tokens},
      {"completion_tokens", o.completion_tokens},
      {"latency_ms", o.latency_ms}};
}

Result<QuestionOutcome> OutcomeFromJson(const nlohmann::json& obj,
                                        const std::string& where) {
  QuestionOutcome o;
  try {
    o.question = obj.at("question").get<std::string>();
    o.strict_correct = obj.at("strict_correct").get<bool>();
    o.flexible_correct = obj.at("flexible_correct").get<bool>();
    o.doc_id = obj.value("doc_id", size_t{0});
    o.reference = obj.value("reference", std::string());
    o.response = obj.value("response", std::string());
    o.strict_answer = obj.value("strict_answer", std::string());
    o.flexible_answer = obj.value("flexible_answer", std::string());
    if (obj.contains("error") && obj["error"].is_string()) {
      o.error = obj["error"].get<std::string>();
    }
    o.prompt_tokens = obj.value("prompt_tokens", int64_t{0});
    o.completion_tokens = obj.value("completion_tokens", int64_t{0});
    o.latency_ms = obj.value("latency_ms", 0.0);
  } catch (const std::exception& e) {
    return Status::ParseError(where + ": not an eval outcome: " + e.what());
  }
  return o;
}

Status WriteOutcomesJsonl(const std::filesystem::path& path,
                          const std::vector<QuestionOutcome>& outcomes) {
  std::string text;
  for (const QuestionOutcome& o : outcomes) {
    text += OutcomeToJson(o).dump(-1, ' ', false,
                                  nlohmann::json::error_handler_t::replace);
    text += '\n';
  }
  return WriteOutputFile(path.string(), text);
}

Result<std::vector<QuestionOutcome>> ReadOutcomesJsonl(
    const std::filesystem::path& path) {
  INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<QuestionOutcome> outcomes;
  INFX_RETURN_IF_ERROR(ForEachJsonObjectLine(
      text, path.string(),
      [&](const nlohmann::json& obj, const std::string& where) -> Status {
        INFX_ASSIGN_OR_RETURN(QuestionOutcome o, OutcomeFromJson(obj, where));
        outcomes.push_back(std::move(o));
        return Status::Ok();
      }));
  if (outcomes.empty()) {
    return Status::InvalidArgument(path.string() + ": no eval outcomes");
  }
  return outcomes;
}

Result<Filter> ParseFilter(const std::string& name) {
  if (name == "strict-match" || name == "strict") return Filter::kStrictMatch;
  if (name == "flexible-extract" || name == "flexible") {
    return Filter::kFlexibleExtract;
  }
  return Status::InvalidArgument("unknown filter '" + name +
                                 "' (expected strict-match or "
                                 "flexible-extract)");
}

std::string FilterName(Filter f) {
  return f == Filter::kStrictMatch ? "strict-match" : "flexible-extract";
}

EvalSummary Summarize(const std::string& task,
                      const std::vector<QuestionOutcome>& outcomes,
                      double duration_s) {
  EvalSummary s;
  s.task = task;
  s.duration_s = duration_s;
  std::vector<bool> strict;
  std::vector<bool> flexible;
  size_t no_number = 0;
  size_t strict_invalid = 0;
  int64_t output_tokens = 0;
  for (const QuestionOutcome& o : outcomes) {
    strict.push_back(o.strict_correct);
    flexible.push_back(o.flexible_correct);
    no_number += o.flexible_answer == kInvalidAnswer ? 1 : 0;
    strict_invalid += o.strict_answer == kInvalidAnswer ? 1 : 0;
    s.errors += o.error.empty() ? 0 : 1;
    output_tokens += o.completion_tokens;
  }
  s.strict_match = SummarizeAccuracy(strict);
  s.flexible_extract = SummarizeAccuracy(flexible);
  if (!outcomes.empty()) {
    s.no_number_rate = static_cast<double>(no_number) / outcomes.size();
    s.strict_invalid_rate =
        static_cast<double>(strict_invalid) / outcomes.size();
  }
  if (duration_s > 0) {
    s.requests_per_s = static_cast<double>(outcomes.size()) / duration_s;
    s.output_tokens_per_s = static_cast<double>(output_tokens) / duration_s;
  }
  return s;
}

nlohmann::json SummaryToJson(const EvalSummary& s) {
  auto acc = [](const AccuracySummary& a) {
    return nlohmann::json{{"accuracy", a.accuracy},
                          {"stderr", a.standard_error},
                          {"correct", a.correct},
                          {"n", a.n}};
  };
  return {{"task", s.task},
          {"num_questions", s.strict_match.n},
          {"strict_match", acc(s.strict_match)},
          {"flexible_extract", acc(s.flexible_extract)},
          {"no_number_rate", s.no_number_rate},
          {"strict_invalid_rate", s.strict_invalid_rate},
          {"errors", s.errors},
          {"duration_s", s.duration_s},
          {"requests_per_s", s.requests_per_s},
          {"output_tokens_per_s", s.output_tokens_per_s}};
}

Result<std::vector<QuestionOutcome>> ScoreResponsesJsonl(
    const std::string& text, const std::string& what,
    const std::vector<Gsm8kItem>& answer_key, StrictPattern pattern) {
  std::unordered_map<std::string_view, size_t> by_question;
  for (size_t i = 0; i < answer_key.size(); ++i) {
    by_question.emplace(answer_key[i].question, i);
  }
  std::vector<QuestionOutcome> outcomes;
  INFX_RETURN_IF_ERROR(ForEachJsonObjectLine(
      text, what,
      [&](const nlohmann::json& obj, const std::string& where) -> Status {
        Gsm8kItem item;
        std::string response;
        INFX_RETURN_IF_ERROR(ReadResponseLine(obj, where, &item, &response));
        size_t doc_id = outcomes.size();
        auto it = by_question.find(item.question);
        if (it != by_question.end()) {
          doc_id = it->second;
          if (item.answer.empty()) item.answer = answer_key[doc_id].answer;
        }
        if (item.answer.empty()) {
          return Status::NotFound(
              where +
              ": no 'answer' field and the question is not in the "
              "GSM8K data (pass --data DIR)");
        }
        outcomes.push_back(
            MakeOutcome(doc_id, item, std::move(response), pattern));
        return Status::Ok();
      }));
  if (outcomes.empty()) {
    return Status::InvalidArgument(what + ": no responses to score");
  }
  return outcomes;
}

Result<OutcomeComparison> CompareOutcomes(const std::vector<QuestionOutcome>& a,
                                          const std::vector<QuestionOutcome>& b,
                                          Filter filter, double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    return Status::InvalidArgument("--alpha must be in (0, 1), got " +
                                   std::to_string(alpha));
  }
  auto correct = [filter](const QuestionOutcome& o) {
    return filter == Filter::kStrictMatch ? o.strict_correct
                                          : o.flexible_correct;
  };
  std::unordered_map<std::string_view, const QuestionOutcome*> in_b;
  for (const QuestionOutcome& o : b) in_b.emplace(o.question, &o);
  std::vector<bool> ca;
  std::vector<bool> cb;
  for (const QuestionOutcome& o : a) {
    auto it = in_b.find(o.question);
    if (it == in_b.end()) continue;
    ca.push_back(correct(o));
    cb.push_back(correct(*it->second));
  }
  if (ca.empty()) {
    return Status::InvalidArgument(
        "the two runs have no question in common; nothing to compare");
  }
  OutcomeComparison cmp;
  cmp.filter = filter;
  cmp.unpaired = (a.size() - ca.size()) + (b.size() - ca.size());
  cmp.paired = ComparePaired(ca, cb, alpha);
  return cmp;
}

nlohmann::json ComparisonToJson(const OutcomeComparison& cmp) {
  const PairedComparison& p = cmp.paired;
  return {{"filter", FilterName(cmp.filter)},
          {"num_paired", p.n},
          {"num_unpaired", cmp.unpaired},
          {"accuracy_a", p.accuracy_a},
          {"accuracy_b", p.accuracy_b},
          {"difference", p.difference},
          {"difference_stderr", p.standard_error},
          {"ci95", {p.ci95_low, p.ci95_high}},
          {"only_a_correct", p.only_a_correct},
          {"only_b_correct", p.only_b_correct},
          {"mcnemar_p_value", p.p_value},
          {"alpha", p.alpha},
          {"verdict", VerdictName(p.verdict)}};
}

}  // namespace infx::eval
