// Living-benchmark statistics, measured (issue 14; numbers in docs/living.md):
//   1. false alarms: identical re-runs (per-repetition noise 0.02, 3
//      repetitions, history of earlier runs for the pooled noise) compared
//      series by series; share of series called "worse";
//   2. power: the same with a 5% throughput regression; share called
//      "worse";
//   3. change points: 30-run histories with one 5% step (found within +-1
//      run?) and without (any change point is spurious);
//   4. speed: `infx compare` of two 1,000-point runs and `infx history`
//      over 365 runs, on SQLite stores in a temporary directory.
// Usage: infx_living_benchmark [--trials N] [--noise X] [--repetitions R]
//        [--seed S] [--alpha Q] [--window W] [--cp-p P] [--series M]
//        [--skip-speed]
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "living/compare.h"
#include "living/compare_store.h"
#include "living/history.h"
#include "living/history_store.h"
#include "living/series_key.h"
#include "stats/change_points.h"
#include "stats/summary.h"
#include "store/results_store.h"

namespace infx {
namespace {

struct Settings {
  int trials = 20;        // comparisons (each of `series` series)
  int series = 50;        // series per comparison
  int history_runs = 10;  // earlier runs pooled (compare --history)
  int histories = 1000;   // change-point histories per case
  double noise = 0.02;    // per-repetition relative std-dev
  int repetitions = 3;
  uint64_t seed = 1;
  double cp_p = living::HistoryOptions{}.change_points.max_p_value;
  double alpha = living::CompareOptions{}.alpha;
  size_t window = living::CompareOptions{}.baseline_window;
  bool speed = true;
};

std::vector<double> Reps(std::mt19937_64& rng, double level,
                         const Settings& s) {
  std::normal_distribution<double> n(0, s.noise);
  std::vector<double> v;
  for (int i = 0; i < s.repetitions; ++i) v.push_back(level * std::exp(n(rng)));
  return v;
}

living::RunSamples SimRun(std::mt19937_64& rng, int64_t id, double factor,
                          const Settings& s) {
  living::RunSamples run;
  run.run.run_id = id;
  for (int i = 0; i < s.series; ++i) {
    const std::string key = fmt::format("series-{}", i);
    auto& ss = run.series[key];
    ss.series = key;
    ss.metrics["tput_per_gpu"] = Reps(rng, 1000.0 * (1 + i) * factor, s);
  }
  return run;
}

// Share of series whose throughput verdict is `want`.
double VerdictShare(const Settings& s, double factor, living::Verdict want,
                    size_t* compared) {
  std::mt19937_64 rng(s.seed);
  size_t hits = 0;
  *compared = 0;
  for (int t = 0; t < s.trials; ++t) {
    living::NoiseHistory history;
    for (int h = 0; h < s.history_runs; ++h) {
      living::AddToHistory(SimRun(rng, h + 1, 1.0, s), &history);
    }
    const auto a = SimRun(rng, 100, 1.0, s);
    const auto b = SimRun(rng, 101, factor, s);
    auto c = living::CompareRuns(
        a, b, history, {.alpha = s.alpha, .baseline_window = s.window});
    if (!c.ok()) std::abort();
    for (const auto& r : c->rows) {
      ++*compared;
      if (r.verdict == want) ++hits;
    }
  }
  return static_cast<double>(hits) / static_cast<double>(*compared);
}

struct ChangePointScore {
  double found_within_one = 0;  // share of step histories
  double spurious = 0;          // share of step-free histories with any cp
  double mean_ms = 0;
};

// Change points of a simulated 30-run history (living::AnalyzeHistory,
// defaults: window 50, p 0.001, effect floor 2 run-noise units).
std::vector<size_t> Detect(std::mt19937_64& rng, int step_at, double step,
                           const Settings& s) {
  std::vector<living::HistoryPoint> points;
  for (int i = 0; i < 30; ++i) {
    living::HistoryPoint p;
    p.run_id = i + 1;
    p.repetitions = Reps(rng, i >= step_at ? 1000 * (1 + step) : 1000, s);
    points.push_back(std::move(p));
  }
  std::vector<size_t> at;
  for (const auto& c :
       living::AnalyzeHistory("s", "tput_per_gpu", points,
                              {.change_points = {.max_p_value = s.cp_p}})
           .change_points) {
    at.push_back(c.index);
  }
  return at;
}

ChangePointScore ChangePoints(const Settings& s) {
  std::mt19937_64 rng(s.seed + 7);
  std::uniform_int_distribution<int> where(5, 25);
  ChangePointScore score;
  int found = 0, spurious = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < s.histories; ++i) {
    const int at = where(rng);
    for (size_t index : Detect(rng, at, -0.05, s)) {
      if (std::abs(static_cast<int>(index) - at) <= 1) {
        ++found;
        break;
      }
    }
    if (!Detect(rng, 1000, 0, s).empty()) {
      ++spurious;
    }
  }
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  score.found_within_one = static_cast<double>(found) / s.histories;
  score.spurious = static_cast<double>(spurious) / s.histories;
  score.mean_ms = ms / (2.0 * s.histories);
  return score;
}

store::PointRecord Point(int64_t run, const std::string& config, int conc,
                         int rep, double tput) {
  store::PointRecord p;
  p.key = {run, config, 1024, 1024, 1.0, conc, 0, rep};
  p.metrics.tput_per_gpu_total = tput;
  p.metrics.interactivity_tok_s_user = 4000.0 / conc;
  p.metrics.median_ttft_ms = 50 + conc;
  p.metrics.p99_ttft_ms = 80 + conc;
  p.metrics.median_tpot_ms = conc / 4.0;
  p.metrics.p99_tpot_ms = conc / 3.0;
  p.metrics.completed = 100;
  return p;
}

// A run of `configs` configs x `loads` concurrencies x 3 repetitions.
Status AddRun(store::ResultsStore& db, int configs, int loads, double factor,
              const std::string& version, std::mt19937_64& rng) {
  INFX_ASSIGN_OR_RETURN(int64_t run,
                        db.CreateRun({.matrix_text = "name: bench\n",
                                      .infx_version = "0.1.0",
                                      .git_sha = "bench",
                                      .host = "bench"}));
  std::normal_distribution<double> noise(0, 0.02);
  for (int c = 0; c < configs; ++c) {
    store::ConfigRecord cfg;
    cfg.run_id = run;
    cfg.config_key = fmt::format("m/h200/bf16/tp{}", c + 1);
    cfg.hardware = "h200";
    cfg.details = {{"model", "m"},
                   {"hardware", "h200"},
                   {"engine", "vllm"},
                   {"precision", "bf16"},
                   {"parallelism", fmt::format("tp{}", c + 1)},
                   {"engine_version", version}};
    cfg.engine_version = version;
    INFX_RETURN_IF_ERROR(db.UpsertConfig(cfg).status());
    for (int l = 0; l < loads; ++l) {
      for (int rep = 0; rep < 3; ++rep) {
        const int conc = 1 << l;
        const double tput =
            100.0 * conc / (1 + 0.01 * c) * factor * std::exp(noise(rng));
        INFX_RETURN_IF_ERROR(
            db.InsertPoint(Point(run, cfg.config_key, conc, rep, tput))
                .status());
      }
    }
  }
  return db.FinishRun(run, store::kRunCompleted);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

Status Speed() {
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("infx-living-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::mt19937_64 rng(3);
  {
    INFX_ASSIGN_OR_RETURN(
        auto db, store::OpenResultsStore((dir / "compare.db").string()));
    // 42 configs x 8 loads x 3 repetitions = 1,008 points per run.
    INFX_RETURN_IF_ERROR(AddRun(*db, 42, 8, 1.0, "1.0", rng));
    INFX_RETURN_IF_ERROR(AddRun(*db, 42, 8, 0.95, "1.1", rng));
    double best = 1e9;
    size_t rows = 0;
    for (int i = 0; i < 5; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      INFX_ASSIGN_OR_RETURN(auto c, living::CompareStoredRuns(*db, {}));
      best = std::min(best, Seconds(t0));
      rows = c.rows.size();
    }
    fmt::print("compare of two 1,008-point runs: {:.3f} s ({} rows)\n", best,
               rows);
  }
  {
    INFX_ASSIGN_OR_RETURN(
        auto db, store::OpenResultsStore((dir / "history.db").string()));
    for (int r = 0; r < 365; ++r) {
      INFX_RETURN_IF_ERROR(AddRun(*db, 2, 2, r < 200 ? 1.0 : 0.95,
                                  r < 200 ? "1.0" : "1.1", rng));
    }
    double best = 1e9;
    size_t cps = 0;
    for (int i = 0; i < 3; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      living::HistoryRequest request;
      request.config = "m/h200/bf16/tp1";
      INFX_ASSIGN_OR_RETURN(auto runs, db->ListRuns());
      INFX_ASSIGN_OR_RETURN(auto data,
                            living::LoadRun(*db, runs.front().run_id));
      request.config = data.points.front().series_key;
      INFX_ASSIGN_OR_RETURN(auto h, living::LoadHistory(*db, request));
      best = std::min(best, Seconds(t0));
      cps = h.change_points.size();
    }
    fmt::print(
        "history over 365 runs (12 points each): {:.3f} s ({} change "
        "point(s))\n",
        best, cps);
  }
  std::filesystem::remove_all(dir);
  return Status::Ok();
}

}  // namespace
}  // namespace infx

int main(int argc, char** argv) {
  infx::Settings s;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--trials") && has_value) {
      s.trials = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--noise") && has_value) {
      s.noise = std::atof(argv[++i]);
    } else if (!std::strcmp(argv[i], "--repetitions") && has_value) {
      s.repetitions = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--seed") && has_value) {
      s.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--series") && has_value) {
      s.series = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--cp-p") && has_value) {
      s.cp_p = std::atof(argv[++i]);
    } else if (!std::strcmp(argv[i], "--alpha") && has_value) {
      s.alpha = std::atof(argv[++i]);
    } else if (!std::strcmp(argv[i], "--window") && has_value) {
      s.window = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--skip-speed")) {
      s.speed = false;
    } else {
      fmt::print(stderr, "unknown argument '{}'\n", argv[i]);
      return 2;
    }
  }
  fmt::print(
      "noise {} per repetition, {} repetitions, {} comparisons of {} "
      "series, {} earlier runs pooled, baseline window {}, alpha {}, "
      "change-point p {}\n",
      s.noise, s.repetitions, s.trials, s.series, s.history_runs, s.window,
      s.alpha, s.cp_p);
  size_t n = 0;
  const double fa =
      infx::VerdictShare(s, 1.0, infx::living::Verdict::kWorse, &n);
  fmt::print(
      "false alarms (identical re-runs called worse): {:.2f}% of {} "
      "series comparisons\n",
      100 * fa, n);
  const double power =
      infx::VerdictShare(s, 0.95, infx::living::Verdict::kWorse, &n);
  fmt::print(
      "power (5% throughput regression called worse): {:.2f}% of {} "
      "series comparisons\n",
      100 * power, n);
  const auto cp = infx::ChangePoints(s);
  fmt::print(
      "change points, 30-run histories (median of {} reps per run): "
      "5% step found within +-1 run in {:.1f}% of {}; spurious on "
      "step-free {:.1f}% of {}; {:.2f} ms per history\n",
      s.repetitions, 100 * cp.found_within_one, s.histories, 100 * cp.spurious,
      s.histories, cp.mean_ms);
  if (s.speed) {
    const infx::Status st = infx::Speed();
    if (!st.ok()) {
      fmt::print(stderr, "speed: {}\n", st.ToString());
      return 1;
    }
  }
  return 0;
}
