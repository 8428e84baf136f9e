#include "web/synthetic_store.h"

#include <fmt/format.h>

#include <cmath>
#include <random>

namespace infx::web {
namespace {

struct Workload {
  int isl, osl;
};
constexpr Workload kWorkloads[] = {{1024, 1024}, {1024, 8192}, {8192, 1024}};
constexpr const char* kModels[] = {"llama-3.1-8b", "llama-3.1-70b"};
constexpr const char* kHardware[] = {"h200", "h100", "b200", "mi300x"};
constexpr const char* kPrecisions[] = {"bf16", "fp8"};

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  double Uniform() { return (gen_() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 gen_;
};

store::ConfigRecord MakeConfig(int64_t run_id, int i,
                               const SyntheticOptions& o) {
  store::ConfigRecord c;
  c.run_id = run_id;
  const int tp = 1 << (i % 4);
  const std::string model = o.hostile_names && i == 0
                                ? "<b>bold</b> \"model\" 'q' & ünï"
                                : kModels[i % 2];
  const std::string hw = kHardware[(i / 2) % 4];
  const std::string prec = kPrecisions[(i / 8) % 2];
  const std::string par = fmt::format("tp{}-pp1-ep1", tp);
  c.config_key = o.hostile_names ? HostileConfigKey(i)
                                 : fmt::format("{}/{}/vllm/{}/{}-v{}", model,
                                               hw, prec, par, i);
  c.hardware = hw;
  c.num_gpus = tp;
  c.details = {{"model", model},
               {"hardware", hw},
               {"engine", "vllm"},
               {"precision", prec},
               {"parallelism", par},
               {"tp", tp},
               {"pp", 1},
               {"ep", 1},
               {"num_gpus", tp}};
  return c;
}

// A serving curve: per-user speed falls and total throughput rises with
// concurrency, saturating at a config-dependent capacity.
store::PointMetrics Metrics(int c, const Workload& w, double capacity,
                            double speed, Rng& rng) {
  store::PointMetrics m;
  const double noise = 1.0 + (rng.Uniform() - 0.5) * 0.04;
  m.interactivity_tok_s_user = speed / (1.0 + c / capacity) * noise;
  m.tput_per_gpu_output = c * m.interactivity_tok_s_user / (1 + c / 512.0);
  m.tput_per_gpu_input = m.tput_per_gpu_output * w.isl / w.osl;
  m.tput_per_gpu_total = m.tput_per_gpu_output + m.tput_per_gpu_input;
  m.median_tpot_ms = m.mean_tpot_ms = 1000.0 / m.interactivity_tok_s_user;
  m.p99_tpot_ms = m.median_tpot_ms * 1.3;
  m.median_itl_ms = m.mean_itl_ms = m.median_tpot_ms;
  m.p99_itl_ms = m.p99_tpot_ms;
  m.median_ttft_ms = m.mean_ttft_ms = 20.0 + w.isl * 0.02 * (1 + c / 64.0);
  m.p99_ttft_ms = m.median_ttft_ms * 2;
  m.median_e2el_ms = m.mean_e2el_ms =
      m.median_ttft_ms + w.osl * m.median_tpot_ms;
  m.p99_e2el_ms = m.median_e2el_ms * 1.2;
  m.request_throughput_rps = c * 1000.0 / m.median_e2el_ms;
  m.completed = 2 * c;
  m.failed = 0;
  m.duration_s = 60;
  return m;
}

Status FillRun(store::ResultsStore& store, int r, const SyntheticOptions& o,
               Rng& rng) {
  INFX_ASSIGN_OR_RETURN(
      int64_t run_id,
      store.CreateRun(
          {.matrix_text = "name: synthetic\n",
           .infx_version = "0.1.0",
           .git_sha = "synthetic",
           .host = "fixture",
           .started_at = fmt::format("2026-11-{:02d}T08:00:00Z", 1 + r % 28)}));
  for (int i = 0; i < o.configs; ++i) {
    store::ConfigRecord c = MakeConfig(run_id, i, o);
    const bool regressed = o.regression_at_run > 0 && r >= o.regression_at_run;
    c.engine_version = regressed ? "0.7.0" : "0.6.0";
    const double capacity = 16.0 * (1 + i % 5) * (1 + 0.02 * r);
    const double speed = 80.0 + 15.0 * (i % 7);
    if (o.with_predictions) {
      nlohmann::json pred = nlohmann::json::array();
      for (int k = 1; k <= o.concurrencies; ++k) {
        Rng pr(o.seed + i);
        auto m = Metrics(k, kWorkloads[0], capacity * 1.05, speed, pr);
        pred.push_back(
            {{"isl", kWorkloads[0].isl},
             {"osl", kWorkloads[0].osl},
             {"concurrency", k},
             {"tput_per_gpu_total", m.tput_per_gpu_total},
             {"tput_per_gpu_output", m.tput_per_gpu_output},
             {"tput_per_gpu_input", m.tput_per_gpu_input},
             {"interactivity_tok_s_user", m.interactivity_tok_s_user},
             {"median_ttft_ms", m.median_ttft_ms},
             {"median_e2el_ms", m.median_e2el_ms}});
      }
      c.details["predicted_points"] = pred;
    }
    INFX_RETURN_IF_ERROR(store.UpsertConfig(c).status());
    for (int w = 0; w < o.workloads; ++w) {
      for (int k = 1; k <= o.concurrencies; ++k) {
        for (int rep = 0; rep < o.repetitions; ++rep) {
          store::PointRecord p;
          p.key = {run_id,
                   c.config_key,
                   kWorkloads[w % 3].isl,
                   kWorkloads[w % 3].osl,
                   1.0,
                   k,
                   0,
                   rep};
          p.metrics = Metrics(k, kWorkloads[w % 3], capacity, speed, rng);
          if (regressed) {
            p.metrics.tput_per_gpu_total *= 0.7;
            p.metrics.tput_per_gpu_output *= 0.7;
            p.metrics.tput_per_gpu_input *= 0.7;
          }
          if (o.with_invalid && i == 0 && k == o.concurrencies) {
            p.metrics.valid = false;
            p.metrics.invalid_reasons = "error_rate: 0.3 > 0.01";
            p.metrics.tput_per_gpu_total *= 3;
            p.metrics.tput_per_gpu_output *= 3;
            p.metrics.tput_per_gpu_input *= 3;
            p.metrics.interactivity_tok_s_user *= 3;
          }
          INFX_RETURN_IF_ERROR(store.InsertPoint(p).status());
        }
      }
    }
    if (o.with_evals) {
      store::EvalRecord e;
      e.run_id = run_id;
      e.config_key = c.config_key;
      e.task = "gsm8k";
      e.accuracy = i == 1 ? 0.5 : 0.95;  // config 1 FAILs the 0.90 bar
      e.accuracy_stderr = 0.01;
      e.num_questions = 100;
      INFX_RETURN_IF_ERROR(store.InsertEval(e).status());
    }
  }
  return store.FinishRun(run_id, store::kRunCompleted);
}

}  // namespace

std::string HostileConfigKey(int index) {
  return fmt::format(
      "<script>alert(\"x{}\")</script><img src=x onerror=alert(1)>/'q'\"dq\""
      "/ünïcødé ✓ 漢字/tp{}",
      index, index);
}

int64_t SyntheticPointsPerRun(const SyntheticOptions& o) {
  return int64_t{o.configs} * o.workloads * o.concurrencies * o.repetitions;
}

Status FillSyntheticStore(store::ResultsStore& store,
                          const SyntheticOptions& o) {
  if (o.runs < 1 || o.configs < 1 || o.workloads < 1 || o.concurrencies < 1 ||
      o.repetitions < 1) {
    return Status::InvalidArgument(
        "synthetic store: runs, configs, workloads, concurrencies and "
        "repetitions must all be >= 1");
  }
  Rng rng(o.seed);
  for (int r = 0; r < o.runs; ++r) {
    INFX_RETURN_IF_ERROR(FillRun(store, r, o, rng));
  }
  return Status::Ok();
}

}  // namespace infx::web
