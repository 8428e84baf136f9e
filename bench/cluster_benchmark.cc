// Cluster executor speed (docs/cluster.md):
// - BM_DryRun1000x10: planning and writing the Slurm scripts of a
//   1,000-config x 10-concurrency sweep (what `--dry-run` does after
//   loading the matrix); target < 1 s.
// - BM_PostgresIngest8Writers: 100,000 points inserted by 8 concurrent
//   writers (each its own connection, one transaction per point, and each
//   re-inserting 1,000 of its neighbour's points as a re-ingest would) into
//   one PostgreSQL run; counts lost and duplicated points (both must be 0)
//   and reports points/s. Needs INFX_TEST_PG_URL (skipped otherwise).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "executor/job_scripts.h"
#include "store/results_store.h"
#include "sweep/matrix.h"

namespace {

using namespace infx;

sweep::Matrix BigMatrix() {
  std::string yaml =
      "name: big\nworkloads: [{isl: 1024, osl: 1024}]\n"
      "concurrency: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]\nconfigs:\n";
  // 1,000 distinct configs: 250 model/precision/ep combinations x 4 tp.
  for (int i = 0; i < 250; ++i) {
    yaml += "  - {model: llama-3.1-8b, hardware: h200, tp: [1, 2, 4, 8], ep: " +
            std::to_string(i + 1) + "}\n";
  }
  return sweep::ParseMatrix(YAML::Load(yaml), "big.yaml").value();
}

void BM_DryRun1000x10(benchmark::State& state) {
  const sweep::Matrix m = BigMatrix();
  executor::JobContext ctx;
  ctx.settings.kind = executor::ExecutorKind::kSlurm;
  ctx.settings.gpus_per_node = 8;
  ctx.settings.gres = "auto";
  ctx.settings.max_parallel = 16;
  ctx.run_dir = (std::filesystem::temp_directory_path() /
                 ("infx-dry-run-bench-" + std::to_string(::getpid())))
                    .string();
  ctx.infx = "/opt/infx/bin/infx";
  std::filesystem::create_directories(ctx.run_dir + "/scripts");
  for (auto _ : state) {
    const auto points = sweep::ExpandPoints(m);
    std::set<int> configs;
    for (const auto& p : points) configs.insert(p.config_index);
    const auto scripts = executor::RenderSlurmScripts(
        m, std::vector<int>(configs.begin(), configs.end()), ctx);
    for (const auto& s : scripts) {
      std::ofstream(ctx.run_dir + "/scripts/" + s.file_name) << s.text;
    }
    benchmark::DoNotOptimize(scripts.size());
    state.counters["points"] = static_cast<double>(points.size());
    state.counters["configs"] = static_cast<double>(configs.size());
  }
  std::filesystem::remove_all(ctx.run_dir);
}
BENCHMARK(BM_DryRun1000x10)->Unit(benchmark::kMillisecond);

constexpr int kWriters = 8;
constexpr int kPerWriter = 12500;
constexpr int kReinserted = 1000;

store::PointRecord MakePoint(int64_t run, int writer, int i) {
  store::PointRecord p;
  p.key.run_id = run;
  p.key.config_key = "bench/h200/vllm/bf16/w" + std::to_string(writer);
  p.key.isl = 1024;
  p.key.osl = 1024;
  p.key.concurrency = i + 1;
  p.metrics.tput_per_gpu_total = 1000 + i;
  p.metrics.completed = 10;
  return p;
}

void BM_PostgresIngest8Writers(benchmark::State& state) {
  const char* url = std::getenv("INFX_TEST_PG_URL");
  if (!url || !*url) {
    state.SkipWithError("INFX_TEST_PG_URL not set");
    return;
  }
  for (auto _ : state) {
    auto store = store::OpenResultsStore(url).value();
    const int64_t run = store->CreateRun({}).value();
    for (int w = 0; w < kWriters; ++w) {
      store::ConfigRecord c;
      c.run_id = run;
      c.config_key = MakePoint(run, w, 0).key.config_key;
      (void)store->UpsertConfig(c).value();
    }
    std::atomic<int64_t> errors{0};
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        auto mine = store::OpenResultsStore(url).value();
        for (int i = 0; i < kPerWriter; ++i) {
          if (!mine->InsertPoint(MakePoint(run, w, i)).ok()) ++errors;
        }
        // A re-ingest of the neighbour's first points: no-ops.
        for (int i = 0; i < kReinserted; ++i) {
          if (!mine->InsertPoint(MakePoint(run, (w + 1) % kWriters, i)).ok()) {
            ++errors;
          }
        }
      });
    }
    for (auto& t : writers) t.join();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    const auto points = store->ListPoints(run).value();
    std::set<std::pair<std::string, int>> keys;
    for (const auto& p : points) {
      keys.insert({p.key.config_key, p.key.concurrency});
    }
    const int64_t expected = int64_t{kWriters} * kPerWriter;
    state.counters["points"] = static_cast<double>(points.size());
    state.counters["lost"] =
        static_cast<double>(expected) - static_cast<double>(keys.size());
    state.counters["duplicated"] =
        static_cast<double>(points.size() - keys.size());
    state.counters["errors"] = static_cast<double>(errors.load());
    state.counters["points_per_s"] = static_cast<double>(expected) / s;
  }
}
BENCHMARK(BM_PostgresIngest8Writers)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
