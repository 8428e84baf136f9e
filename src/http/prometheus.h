// Prometheus text exposition format 0.0.4: lock-free counters/gauges and
// fixed-bucket histograms, and a writer that renders them with HELP/TYPE
// lines ("name{label="v"} value").
//
// Thread-safety: Counter, Gauge and Histogram are safe to update from any
// thread concurrently with rendering (each value is read atomically; a
// histogram snapshot may straddle an Observe, as in prometheus-client).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace infx::http {

class Counter {
 public:
  void Add(double v);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // Upper bounds, strictly increasing; +Inf is implicit.
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (= count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Renders metric families. `labels` is the inner label text, e.g.
// R"(model_name="llama")", or empty.
class PrometheusWriter {
 public:
  void AddCounter(std::string_view name, std::string_view help,
                  std::string_view labels, double value);
  void AddGauge(std::string_view name, std::string_view help,
                std::string_view labels, double value);
  void AddHistogram(std::string_view name, std::string_view help,
                    std::string_view labels, const Histogram::Snapshot& snap);
  const std::string& text() const { return out_; }
  static constexpr std::string_view kContentType =
      "text/plain; version=0.0.4; charset=utf-8";

 private:
  void Header(std::string_view name, std::string_view help,
              std::string_view type);
  void Sample(std::string_view name, std::string_view labels,
              std::string_view extra_label, double value);
  std::string out_;
};

// Formats a sample value as Prometheus does ("+Inf", integers without ".0").
std::string FormatPromValue(double v);

}  // namespace infx::http
