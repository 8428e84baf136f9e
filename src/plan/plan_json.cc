#include "plan/plan_json.h"

#include <string>

namespace infx::plan {
namespace {

using nlohmann::json;

json PointJson(const perf::ServingPoint& p) {
  return {{"concurrency", p.concurrency},
          {"ttft_ms", p.ttft_ms},
          {"tpot_ms", p.tpot_ms},
          {"interactivity_tok_s_user", p.interactivity_tok_s_user},
          {"e2e_ms", p.e2e_ms},
          {"requests_per_s", p.requests_per_s},
          {"total_tok_s_per_gpu", p.total_tok_s_per_gpu},
          {"input_tok_s_per_gpu", p.input_tok_s_per_gpu},
          {"output_tok_s_per_gpu", p.output_tok_s_per_gpu},
          {"saturated", p.saturated}};
}

json PlanPointJson(const PlanPoint& p) {
  return {{"config", p.config},
          {"concurrency", p.concurrency},
          {"interactivity_tok_s_user", p.interactivity_tok_s_user},
          {"total_tok_s_per_gpu", p.total_tok_s_per_gpu},
          {"output_tok_s_per_gpu", p.output_tok_s_per_gpu},
          {"ttft_ms", p.ttft_ms},
          {"tpot_ms", p.tpot_ms}};
}

json CandidateJson(const Candidate& c) {
  json j = {
      {"config", c.Label()},
      {"tp", c.parallelism.tp},
      {"pp", c.parallelism.pp},
      {"ep", c.parallelism.ep},
      {"dp_attention", c.parallelism.dp_attention},
      {"replicas", c.replicas},
      {"disaggregated", c.disaggregated},
      {"prefill_instances", c.disaggregated ? c.split.prefill_instances : 0},
      {"decode_instances", c.disaggregated ? c.split.decode_instances : 0},
      {"gpus", c.gpus},
      {"weight_precision", std::string(PrecisionName(c.weight_precision))},
      {"kv_precision", std::string(PrecisionName(c.kv_precision))},
      {"cut", std::string(CutKindName(c.cut))},
      {"reason", c.reason},
  };
  j["memory"] = {
      {"weight_bytes_per_gpu", c.memory.weight_bytes_per_gpu},
      {"activation_bytes_per_gpu", c.memory.activation_bytes_per_gpu},
      {"overhead_bytes_per_gpu", c.memory.overhead_bytes_per_gpu},
      {"kv_bytes_per_gpu", c.memory.kv_bytes_per_gpu},
      {"kv_capacity_tokens", c.memory.kv_capacity_tokens},
      {"fits", c.memory.fits}};
  j["max_concurrency_per_instance"] = c.max_concurrency;
  j["frontier_gain"] = c.frontier_gain;
  j["frontier_closeness"] = c.frontier_closeness;
  json points = json::array();
  for (const perf::ServingPoint& p : c.curve) points.push_back(PointJson(p));
  j["points"] = std::move(points);
  return j;
}

}  // namespace

json PlanResultToJson(const PlanRequest& request, const PlanResult& result) {
  json j;
  j["schema"] = "infx.plan/1";
  j["model"] = request.model.name;
  j["hardware"] = request.hardware.name;
  j["engine"] = std::string(perf::EngineName(request.engine));
  j["gpu_budget"] = result.gpu_budget;
  j["workload"] = {{"isl", request.workload.isl},
                   {"osl", request.workload.osl},
                   {"range_ratio", request.workload.range_ratio},
                   {"prefix_hit_rate", request.workload.prefix_hit_rate},
                   {"mean_isl", request.workload.mean_isl()},
                   {"mean_osl", request.workload.mean_osl()}};
  j["dominance_margin"] = request.dominance_margin;
  j["budget_points"] = request.budget_points;
  j["points_evaluated"] = result.points_evaluated;
  json kept = json::array();
  int rank = 1;
  for (const Candidate& c : result.kept) {
    json k = CandidateJson(c);
    k["rank"] = rank++;
    kept.push_back(std::move(k));
  }
  j["kept"] = std::move(kept);
  json pruned = json::array();
  for (const Candidate& c : result.pruned) pruned.push_back(CandidateJson(c));
  j["pruned"] = std::move(pruned);
  json frontier = json::array();
  for (const PlanPoint& p : result.frontier) {
    frontier.push_back(PlanPointJson(p));
  }
  j["frontier"] = std::move(frontier);
  json picks = json::array();
  for (const PlanPoint& p : result.picks) picks.push_back(PlanPointJson(p));
  j["picks"] = std::move(picks);
  return j;
}

chart::Chart PlanChart(const PlanRequest& request, const PlanResult& result,
                       int max_configs) {
  chart::Chart chart;
  chart.title = "Predicted frontier: " + request.model.name + " on " +
                std::to_string(result.gpu_budget) + "x " +
                request.hardware.name + ", " +
                std::to_string(request.workload.isl) + "/" +
                std::to_string(request.workload.osl);
  chart.x.label = "interactivity (tok/s/user)";
  chart.y.label = "throughput (tok/s/GPU)";
  chart::Series frontier;
  frontier.name = "predicted frontier";
  frontier.color = "#000000";
  frontier.line_width = 3;
  for (const PlanPoint& p : result.frontier) {
    frontier.points.push_back(
        {p.interactivity_tok_s_user, p.total_tok_s_per_gpu, ""});
  }
  chart.series.push_back(std::move(frontier));
  int shown = 0;
  for (const Candidate& c : result.kept) {
    if (shown++ >= max_configs) break;
    chart::Series s;  // a palette color, thin line, small dots
    s.name = c.Label();
    s.marker_size = 2.5;
    for (const perf::ServingPoint& p : c.curve) {
      s.points.push_back(
          {p.interactivity_tok_s_user, p.total_tok_s_per_gpu, ""});
    }
    chart.series.push_back(std::move(s));
  }
  return chart;
}

}  // namespace infx::plan
