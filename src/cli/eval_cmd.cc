// `infx eval gsm8k` (online against a server, or offline over collected
// responses), `infx eval compare A B` and `infx data fetch gsm8k`:
// accuracy as lm-evaluation-harness measures it, with paired statistics
// (docs/eval.md; JSON schemas there).
#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/flag_checks.h"
#include "common/files.h"
#include "common/limits.h"
#include "common/table.h"
#include "eval/fetch.h"
#include "eval/outcomes.h"
#include "eval/runner.h"

namespace infx::cli {
namespace {

std::atomic<bool> g_cancel{false};
void OnSigint(int) { g_cancel.store(true); }

struct Gsm8kFlags {
  eval::RunnerOptions run;
  std::string task = "gsm8k";
  int num_fewshot = -1;  // -1 = the task's default
  std::string data;
  std::string responses;
  std::string output;
  // InferenceX validate_scores.py: FAIL when strict-match or
  // flexible-extract is below it. < 0 = no verdict.
  double min_score = -1;
  bool json = false;
};

struct CompareFlags {
  std::string a;
  std::string b;
  double alpha = 0.05;
  std::string filter = "strict-match";
  bool json = false;
};

std::string Pct(double fraction) { return FormatFixed(100.0 * fraction, 2); }

void PrintSummary(const eval::EvalSummary& s, std::ostream& out) {
  Table table({"filter", "accuracy %", "stderr %", "correct", "questions"});
  auto row = [&](const char* name, const eval::AccuracySummary& a) {
    table.AddRow({name, Pct(a.accuracy), Pct(a.standard_error),
                  std::to_string(a.correct), std::to_string(a.n)});
  };
  row("strict-match", s.strict_match);
  row("flexible-extract", s.flexible_extract);
  out << "task: " << s.task << "\n";
  table.Print(out);
  out << fmt::format("no number in answer: {}%   request errors: {}\n",
                     Pct(s.no_number_rate), s.errors);
  if (s.duration_s > 0) {
    out << fmt::format("duration: {} s   {} req/s   {} output tok/s\n",
                       FormatFixed(s.duration_s, 2),
                       FormatFixed(s.requests_per_s, 2),
                       FormatFixed(s.output_tokens_per_s, 1));
  }
}

Result<std::vector<eval::QuestionOutcome>> ScoreOffline(
    const Gsm8kFlags& flags, const eval::TaskOptions& task) {
  std::vector<eval::Gsm8kItem> key;
  if (!flags.data.empty()) {
    INFX_ASSIGN_OR_RETURN(key, eval::LoadGsm8kSplit(flags.data, "test"));
  }
  INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(flags.responses));
  return eval::ScoreResponsesJsonl(text, flags.responses, key,
                                   eval::StrictPatternFor(task.kind));
}

Result<eval::EvalRun> RunEval(const Gsm8kFlags& flags) {
  INFX_ASSIGN_OR_RETURN(eval::TaskOptions task,
                        eval::ParseTaskName(flags.task));
  if (flags.num_fewshot >= 0) task.num_fewshot = flags.num_fewshot;
  task.fewshot_seed = flags.run.task.fewshot_seed;
  if (!flags.responses.empty()) {
    eval::EvalRun run;
    INFX_ASSIGN_OR_RETURN(run.outcomes, ScoreOffline(flags, task));
    run.summary = eval::Summarize(eval::TaskName(task), run.outcomes, 0.0);
    return run;
  }
  eval::RunnerOptions options = flags.run;
  options.task = task;
  options.data = flags.data;
  std::signal(SIGINT, OnSigint);
  return eval::RunGsm8k(options, &g_cancel);
}

// True when both filters reach `min_score` (the sweep's rule, docs/eval.md).
bool MeetsMinScore(const eval::EvalSummary& s, double min_score) {
  return s.strict_match.accuracy >= min_score &&
         s.flexible_extract.accuracy >= min_score;
}

void RunGsm8kCommand(const Gsm8kFlags& flags) {
  Result<eval::EvalRun> run = RunEval(flags);
  if (!run.ok()) return ExitWithError(run.status());
  const bool checked = flags.min_score >= 0;
  const bool pass = !checked || MeetsMinScore(run->summary, flags.min_score);
  if (!flags.output.empty()) {
    Status written = eval::WriteOutcomesJsonl(flags.output, run->outcomes);
    if (!written.ok()) return ExitWithError(written);
  }
  if (flags.json) {
    nlohmann::json j = eval::SummaryToJson(run->summary);
    j["outcomes_path"] =
        flags.output.empty() ? nlohmann::json() : nlohmann::json(flags.output);
    if (checked) {
      j["min_score"] = flags.min_score;
      j["pass"] = pass;
    }
    std::cout << j.dump(2) << "\n";
  } else {
    PrintSummary(run->summary, std::cout);
    if (!flags.output.empty())
      std::cout << "outcomes: " << flags.output << "\n";
    if (checked) {
      std::cout << fmt::format("min score {}: {}\n",
                               FormatFixed(flags.min_score, 2),
                               pass ? "PASS" : "FAIL");
    }
  }
  SetExitCode(pass ? 0 : 3);
}

void PrintComparison(const eval::OutcomeComparison& cmp, std::ostream& out) {
  const eval::PairedComparison& p = cmp.paired;
  Table table({"", "value"});
  table.AddRow({"filter", eval::FilterName(cmp.filter)});
  table.AddRow({"paired questions", std::to_string(p.n)});
  if (cmp.unpaired > 0) {
    table.AddRow({"unpaired (ignored)", std::to_string(cmp.unpaired)});
  }
  table.AddRow({"accuracy A %", Pct(p.accuracy_a)});
  table.AddRow({"accuracy B %", Pct(p.accuracy_b)});
  table.AddRow({"B - A (points)", Pct(p.difference)});
  table.AddRow({"stderr (points)", Pct(p.standard_error)});
  table.AddRow({"95% CI (points)",
                fmt::format("[{}, {}]", Pct(p.ci95_low), Pct(p.ci95_high))});
  table.AddRow({"only A correct", std::to_string(p.only_a_correct)});
  table.AddRow({"only B correct", std::to_string(p.only_b_correct)});
  table.AddRow({"McNemar exact p", fmt::format("{:.4g}", p.p_value)});
  table.Print(out);
  const char* meaning =
      p.verdict == eval::Verdict::kSame     ? "no significant difference"
      : p.verdict == eval::Verdict::kBetter ? "B is more accurate than A"
                                            : "B is less accurate than A";
  out << fmt::format("verdict: {} ({}, McNemar p {} alpha {})\n",
                     eval::VerdictName(p.verdict), meaning,
                     p.p_value < p.alpha ? "<" : ">=", p.alpha);
}

void RunCompare(const CompareFlags& flags) {
  Result<eval::Filter> filter = eval::ParseFilter(flags.filter);
  if (!filter.ok()) return ExitWithError(filter.status());
  auto a = eval::ReadOutcomesJsonl(flags.a);
  if (!a.ok()) return ExitWithError(a.status());
  auto b = eval::ReadOutcomesJsonl(flags.b);
  if (!b.ok()) return ExitWithError(b.status());
  auto cmp = eval::CompareOutcomes(*a, *b, *filter, flags.alpha);
  if (!cmp.ok()) return ExitWithError(cmp.status());
  if (flags.json) {
    nlohmann::json j = eval::ComparisonToJson(*cmp);
    j["a"] = flags.a;
    j["b"] = flags.b;
    std::cout << j.dump(2) << "\n";
  } else {
    PrintComparison(*cmp, std::cout);
  }
  SetExitCode(0);
}

void AddGsm8kOptions(CLI::App* cmd, Gsm8kFlags& f) {
  cmd->add_option("--base-url", f.run.base_url,
                  "OpenAI-compatible server (\"/v1\" appended)")
      ->capture_default_str();
  cmd->add_option("--model", f.run.model, "Model name sent in requests");
  cmd->add_option("--data", f.data,
                  "GSM8K directory (test.jsonl, train.jsonl) or test .jsonl");
  cmd->add_option("--task", f.task,
                  "gsm8k | gsm8k_cot | gsm8k_chat | "
                  "gsm8k_cot_chat")
      ->capture_default_str();
  cmd->add_option("--num-fewshot", f.num_fewshot,
                  "Exemplars per prompt (default: 5 gsm8k, 8 gsm8k_cot, "
                  "0 chat)")
      ->check(IntIn(0, 1000));
  cmd->add_option("--seed", f.run.task.fewshot_seed,
                  "Few-shot sampling seed (lm-eval fewshot_random_seed)")
      ->capture_default_str();
  cmd->add_option("--limit", f.run.limit, "First N test questions (0 = all)")
      ->capture_default_str()
      ->check(IntIn(0, limits::kMaxNumPrompts));
  cmd->add_option("--concurrency", f.run.concurrency, "Requests in flight")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxConcurrency));
  cmd->add_option("--max-tokens", f.run.max_tokens, "Max generated tokens")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxSequenceTokens));
  cmd->add_option("--retries", f.run.retries,
                  "Re-sends of requests with transient errors")
      ->capture_default_str()
      ->check(IntIn(0, 100));
  cmd->add_option("--request-timeout", f.run.request_timeout_s,
                  "Per-request timeout, seconds")
      ->capture_default_str()
      ->check(FinitePositive());
  cmd->add_option("--responses", f.responses,
                  "Score collected responses offline (JSONL with question "
                  "and response) instead of calling a server");
  cmd->add_option("--output", f.output, "Write per-question outcomes (JSONL)");
  cmd->add_option("--min-score", f.min_score,
                  "FAIL (exit 3) when strict-match or flexible-extract is "
                  "below this (InferenceX uses 0.90)")
      ->check(FiniteIn(0, 1));
  cmd->add_flag("--json", f.json, "Print JSON");
}

void SetupEval(CLI::App& app) {
  CLI::App* eval_cmd = app.add_subcommand(
      "eval", "Accuracy as lm-evaluation-harness measures it (GSM8K)");
  eval_cmd->require_subcommand(1);
  eval_cmd->footer(ExampleFooter(
      "infx eval gsm8k --base-url http://127.0.0.1:8000 --model m --data "
      "gsm8k/ --concurrency 64 --output a.jsonl"));

  auto gsm8k_flags = std::make_shared<Gsm8kFlags>();
  CLI::App* gsm8k = eval_cmd->add_subcommand(
      "gsm8k", "Run GSM8K against a server, or score --responses offline");
  AddGsm8kOptions(gsm8k, *gsm8k_flags);
  gsm8k->footer(ExampleFooter(
      "infx eval gsm8k --base-url http://127.0.0.1:8000 --model llama "
      "--data gsm8k/ --task gsm8k_cot --limit 200 --output run.jsonl\n"
      "  infx eval gsm8k --responses responses.jsonl --data gsm8k/ --json"));
  gsm8k->callback([gsm8k_flags] { RunGsm8kCommand(*gsm8k_flags); });

  auto compare_flags = std::make_shared<CompareFlags>();
  CLI::App* compare = eval_cmd->add_subcommand(
      "compare", "Paired comparison of two eval outcome files (B vs A)");
  compare->add_option("a", compare_flags->a, "Outcomes JSONL of run A")
      ->required();
  compare->add_option("b", compare_flags->b, "Outcomes JSONL of run B")
      ->required();
  compare
      ->add_option("--alpha", compare_flags->alpha,
                   "Significance level of McNemar's exact test")
      ->capture_default_str()
      ->check(FiniteIn(0, 1));
  compare
      ->add_option("--filter", compare_flags->filter,
                   "strict-match | flexible-extract")
      ->capture_default_str();
  compare->add_flag("--json", compare_flags->json, "Print JSON");
  compare->footer(
      ExampleFooter("infx eval compare baseline.jsonl fp4.jsonl --alpha 0.01"));
  compare->callback([compare_flags] { RunCompare(*compare_flags); });
}

struct FetchFlags {
  std::string dataset;
  std::string dir = "data/gsm8k";
  std::string mirror;
  double timeout_s = 60;
  bool json = false;
};

void RunFetch(const FetchFlags& flags) {
  if (flags.dataset != "gsm8k") {
    return ExitWithError(Status::InvalidArgument(
        "unknown dataset '" + flags.dataset + "' (known: gsm8k)"));
  }
  auto fetched = eval::FetchFiles(eval::Gsm8kFiles(flags.mirror), flags.dir,
                                  flags.timeout_s);
  if (!fetched.ok()) return ExitWithError(fetched.status());
  nlohmann::json files = nlohmann::json::array();
  Table table({"file", "status"});
  for (const auto& f : *fetched) {
    const char* status = f.downloaded ? "downloaded, verified" : "verified";
    files.push_back({{"path", f.path.string()}, {"status", status}});
    table.AddRow({f.path.string(), status});
  }
  if (flags.json) {
    std::cout << nlohmann::json{{"dataset", "gsm8k"}, {"files", files}}.dump(2)
              << "\n";
  } else {
    table.Print(std::cout);
  }
  SetExitCode(0);
}

void SetupData(CLI::App& app) {
  CLI::App* data = app.add_subcommand("data", "Reference datasets");
  data->require_subcommand(1);
  data->footer(ExampleFooter("infx data fetch gsm8k --dir data/gsm8k"));
  auto flags = std::make_shared<FetchFlags>();
  CLI::App* fetch = data->add_subcommand(
      "fetch", "Download a dataset from its public home, verifying SHA-256");
  fetch->add_option("dataset", flags->dataset, "Dataset name (gsm8k)")
      ->required();
  fetch->add_option("--dir", flags->dir, "Destination directory")
      ->capture_default_str();
  fetch->add_option("--mirror", flags->mirror,
                    "Base URL replacing the public home");
  fetch->add_option("--timeout", flags->timeout_s, "Seconds per file")
      ->capture_default_str()
      ->check(FinitePositive());
  fetch->add_flag("--json", flags->json, "Print JSON");
  fetch->footer(ExampleFooter("infx data fetch gsm8k --dir data/gsm8k"));
  fetch->callback([flags] { RunFetch(*flags); });
}

}  // namespace
}  // namespace infx::cli

INFX_REGISTER_COMMAND(40, infx::cli::SetupEval);
INFX_REGISTER_COMMAND(41, infx::cli::SetupData);
