#include "http/prometheus.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace infx::http {
namespace {

void AtomicAdd(std::atomic<double>& target, double v) {
  double old = target.load(std::memory_order_relaxed);
  while (
      !target.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

}  // namespace

void Counter::Add(double v) { AtomicAdd(value_, v); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
  const size_t i =
      std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snap;
  snap.upper_bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snap.cumulative.push_back(running);
  }
  snap.count = running;
  snap.sum = sum_.load(std::memory_order_relaxed);
  return snap;
}

std::string FormatPromValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return fmt::format("{:.1f}", v);
  return fmt::format("{}", v);
}

void PrometheusWriter::Header(std::string_view name, std::string_view help,
                              std::string_view type) {
  fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name,
                 help, name, type);
}

void PrometheusWriter::Sample(std::string_view name, std::string_view labels,
                              std::string_view extra_label, double value) {
  out_.append(name);
  if (!labels.empty() || !extra_label.empty()) {
    out_.push_back('{');
    out_.append(labels);
    if (!labels.empty() && !extra_label.empty()) out_.push_back(',');
    out_.append(extra_label);
    out_.push_back('}');
  }
  out_.push_back(' ');
  out_.append(FormatPromValue(value));
  out_.push_back('\n');
}

void PrometheusWriter::AddCounter(std::string_view name, std::string_view help,
                                  std::string_view labels, double value) {
  // Exposition names counters' family without _total, samples with it.
  std::string_view family = name;
  if (family.ends_with("_total")) family.remove_suffix(6);
  Header(family, help, "counter");
  Sample(name, labels, "", value);
}

void PrometheusWriter::AddGauge(std::string_view name, std::string_view help,
                                std::string_view labels, double value) {
  Header(name, help, "gauge");
  Sample(name, labels, "", value);
}

void PrometheusWriter::AddHistogram(std::string_view name,
                                    std::string_view help,
                                    std::string_view labels,
                                    const Histogram::Snapshot& snap) {
  Header(name, help, "histogram");
  const std::string bucket = std::string(name) + "_bucket";
  for (size_t i = 0; i < snap.cumulative.size(); ++i) {
    const double le = i < snap.upper_bounds.size()
                          ? snap.upper_bounds[i]
                          : std::numeric_limits<double>::infinity();
    Sample(bucket, labels, "le=\"" + FormatPromValue(le) + "\"",
           static_cast<double>(snap.cumulative[i]));
  }
  Sample(std::string(name) + "_sum", labels, "", snap.sum);
  Sample(std::string(name) + "_count", labels, "",
         static_cast<double>(snap.count));
}

}  // namespace infx::http
