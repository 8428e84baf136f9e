// Pure parts of the online runner (runner.h): data loading for a task,
// stop-sequence cutting, retry classification, records -> outcomes and the
// store form. Kept apart from runner.cc so tests need no network client.
#include <algorithm>

#include "eval/runner.h"

namespace infx::eval {

Result<Gsm8kSplits> LoadSplitsFor(const TaskOptions& task,
                                  const std::filesystem::path& data) {
  if (data.empty()) {
    return Status::InvalidArgument(
        "no GSM8K data: pass --data DIR_OR_FILE (get it with `infx data "
        "fetch gsm8k`)");
  }
  Gsm8kSplits splits;
  INFX_ASSIGN_OR_RETURN(splits.test, LoadGsm8kSplit(data, "test"));
  const bool needs_train =
      task.kind == TaskKind::kGsm8k && task.num_fewshot > 0;
  if (needs_train) {
    std::error_code ec;
    const std::filesystem::path dir =
        std::filesystem::is_directory(data, ec) ? data : data.parent_path();
    INFX_ASSIGN_OR_RETURN(splits.train, LoadGsm8kSplit(dir, "train"));
  }
  return splits;
}

std::string CutAtStop(const std::string& text,
                      const std::vector<std::string>& stops) {
  size_t cut = text.size();
  for (const std::string& stop : stops) {
    if (stop.empty()) continue;
    cut = std::min(cut, text.find(stop));
  }
  return text.substr(0, cut);
}

bool IsTransient(const metrics::RequestRecord& record) {
  using metrics::ErrorKind;
  switch (record.error) {
    case ErrorKind::kConnectRefused:
    case ErrorKind::kConnectFailed:
    case ErrorKind::kTimeout:
    case ErrorKind::kStreamDropped:
    case ErrorKind::kIo:
      return true;
    case ErrorKind::kHttpStatus:
      return record.http_status == 429 || record.http_status >= 500;
    default:
      return false;
  }
}

std::vector<QuestionOutcome> OutcomesFromRecords(
    const TaskOptions& task, const std::vector<Gsm8kItem>& test,
    const std::vector<EvalPrompt>& prompts,
    const std::vector<metrics::RequestRecord>& records) {
  const std::vector<std::string> stops = StopSequences(task.kind);
  const StrictPattern pattern = StrictPatternFor(task.kind);
  std::vector<QuestionOutcome> outcomes;
  outcomes.reserve(prompts.size());
  for (size_t i = 0; i < prompts.size() && i < records.size(); ++i) {
    const metrics::RequestRecord& r = records[i];
    const size_t doc = prompts[i].doc_id;
    const bool ok = r.ok();
    QuestionOutcome o = MakeOutcome(
        doc, test[doc], ok ? CutAtStop(r.text, stops) : std::string(), pattern);
    if (!ok) {
      o.error = std::string(metrics::ErrorKindName(r.error));
      if (!r.error_message.empty()) o.error += ": " + r.error_message;
    }
    o.prompt_tokens = std::max<int64_t>(0, r.PromptTokens());
    o.completion_tokens = std::max<int64_t>(0, r.OutputTokens());
    if (r.end_ns > 0 && r.send_ns > 0) {
      o.latency_ms = static_cast<double>(r.end_ns - r.send_ns) / 1e6;
    }
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

store::EvalRecord ToEvalRecord(const EvalRun& run, Filter headline,
                               int64_t run_id, const std::string& config_key,
                               std::optional<int64_t> point_id) {
  store::EvalRecord rec;
  rec.run_id = run_id;
  rec.config_key = config_key;
  rec.point_id = point_id;
  rec.task = run.summary.task;
  const AccuracySummary& acc = headline == Filter::kStrictMatch
                                   ? run.summary.strict_match
                                   : run.summary.flexible_extract;
  rec.accuracy = acc.accuracy;
  rec.accuracy_stderr = acc.standard_error;
  rec.num_questions = static_cast<int64_t>(acc.n);
  rec.outcomes = nlohmann::json::array();
  for (const QuestionOutcome& o : run.outcomes) {
    nlohmann::json j = OutcomeToJson(o);
    j.erase("response");
    j.erase("reference");
    // Generic keys other readers (report) use.
    j["index"] = o.doc_id;
    j["correct"] = headline == Filter::kStrictMatch ? o.strict_correct
                                                    : o.flexible_correct;
    j["extracted"] =
        headline == Filter::kStrictMatch ? o.strict_answer : o.flexible_answer;
    rec.outcomes.push_back(std::move(j));
  }
  return rec;
}

}  // namespace infx::eval
