#include "metrics/validity.h"

#include <fmt/format.h>

#include <cmath>

namespace infx::metrics {
namespace {

double P99(const Stats& s) {
  for (const auto& [p, v] : s.percentiles) {
    if (std::abs(p - 99) < 1e-9) return v;
  }
  return s.max;  // percentiles without 99: the max bounds it
}

}  // namespace

Status CheckValidityOptions(const ValidityOptions& o) {
  auto bad = [](const char* name, double v) {
    return Status::InvalidArgument(
        fmt::format("validity threshold {} must be >= 0, got {}", name, v));
  };
  if (o.min_completed < 0) return bad("min_completed", o.min_completed);
  if (!(o.min_duration_s >= 0)) return bad("min_duration_s", o.min_duration_s);
  if (!(o.max_error_rate >= 0)) return bad("max_error_rate", o.max_error_rate);
  if (!(o.max_read_lag_itl_ratio >= 0)) {
    return bad("max_read_lag_itl_ratio", o.max_read_lag_itl_ratio);
  }
  if (o.max_truncated_prompts < 0) {
    return bad("max_truncated_prompts", o.max_truncated_prompts);
  }
  if (!(o.max_schedule_lag_ms >= 0)) {
    return bad("max_schedule_lag_ms", o.max_schedule_lag_ms);
  }
  return Status::Ok();
}

Validity JudgeValidity(const BenchMetrics& m, bool open_loop,
                       const ValidityOptions& o) {
  Validity v;
  auto fail = [&v](std::string reason) {
    v.valid = false;
    v.reasons.push_back(std::move(reason));
  };
  if (m.completed < o.min_completed) {
    fail(fmt::format("completed: {} < {}", m.completed, o.min_completed));
  }
  if (m.duration_s < o.min_duration_s) {
    fail(fmt::format("duration: {:.3f} s < {} s", m.duration_s,
                     o.min_duration_s));
  }
  const int64_t ended = m.completed + m.failed;
  const double error_rate = ended > 0 ? double(m.failed) / ended : 0;
  if (error_rate > o.max_error_rate) {
    fail(fmt::format("error_rate: {:.4g} > {} ({} of {} failed)", error_rate,
                     o.max_error_rate, m.failed, ended));
  }
  // Events that shared a read share a timestamp: a median ITL of 0 with
  // any read lag is the extreme case of the same rule.
  const double itl = m.itl_ms.median;
  const double read_lag = P99(m.client_read_lag_ms);
  if (m.itl_ms.count > 0 && read_lag > o.read_lag_floor_ms &&
      read_lag > o.max_read_lag_itl_ratio * itl) {
    fail(fmt::format(
        "read_lag: p99 read lag {:.3f} ms > {} x median ITL {:.3f} ms "
        "and > {} ms (events shared reads)",
        read_lag, o.max_read_lag_itl_ratio, itl, o.read_lag_floor_ms));
  }
  if (m.prompts_truncated > o.max_truncated_prompts) {
    fail(fmt::format("truncation: {} prompts cut by the server > {}",
                     m.prompts_truncated, o.max_truncated_prompts));
  }
  const double lag = P99(m.client_lag_ms);
  if (open_loop && lag > o.max_schedule_lag_ms) {
    fail(fmt::format("schedule_lag: p99 send lag {:.3f} ms > {} ms", lag,
                     o.max_schedule_lag_ms));
  }
  return v;
}

nlohmann::json ValidityOptionsJson(const ValidityOptions& o) {
  return {{"min_completed", o.min_completed},
          {"min_duration_s", o.min_duration_s},
          {"max_error_rate", o.max_error_rate},
          {"max_read_lag_itl_ratio", o.max_read_lag_itl_ratio},
          {"read_lag_floor_ms", o.read_lag_floor_ms},
          {"max_truncated_prompts", o.max_truncated_prompts},
          {"max_schedule_lag_ms", o.max_schedule_lag_ms}};
}

}  // namespace infx::metrics
