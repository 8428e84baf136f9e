#include "sweep/progress.h"

#include <fmt/format.h>

#include <cmath>

namespace infx::sweep {

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const int64_t s = static_cast<int64_t>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02d}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02d}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

Progress::Progress(std::ostream* out, bool tty, int total_points,
                   double total_work)
    : out_(out),
      tty_(tty),
      total_points_(total_points),
      total_work_(total_work),
      start_(std::chrono::steady_clock::now()) {}

double Progress::Work(int num_prompts, int concurrency, int64_t isl,
                      int64_t osl) {
  const double rounds =
      std::ceil(static_cast<double>(num_prompts) / std::max(1, concurrency));
  // A decode step dominates; prefill of a round costs about isl/8192 steps.
  return rounds * (static_cast<double>(osl) + static_cast<double>(isl) / 512.0);
}

double Progress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start_)
      .count();
}

std::string Progress::EtaText() const {
  if (done_work_ <= 0 || done_seconds_ <= 0) return "?";
  const double rate = done_seconds_ / done_work_;  // seconds per work unit
  return FormatDuration((total_work_ - done_work_) * rate);
}

void Progress::Start(const std::string& label, double work) {
  current_ = label;
  current_work_ = work;
  point_start_ = std::chrono::steady_clock::now();
  Draw();
}

void Progress::Done(const std::string& result, bool ok) {
  done_seconds_ += std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - point_start_)
                       .count();
  done_work_ += current_work_;
  ++done_points_;
  if (!out_) return;
  if (tty_) *out_ << "\r\033[K";
  *out_ << fmt::format("[{}/{}] {} {} {}  (elapsed {}, ETA {})\n", done_points_,
                       total_points_, ok ? "done" : "FAILED", current_, result,
                       FormatDuration(elapsed_s()), EtaText());
  out_->flush();
}

void Progress::Note(const std::string& message) {
  if (!out_) return;
  if (tty_) *out_ << "\r\033[K";
  *out_ << message << "\n";
  out_->flush();
}

void Progress::Draw() {
  if (!out_) return;
  const std::string line = fmt::format(
      "[{}/{}] running {} | {} left | elapsed {} | ETA {}", done_points_ + 1,
      total_points_, current_, total_points_ - done_points_,
      FormatDuration(elapsed_s()), EtaText());
  if (tty_) {
    *out_ << "\r\033[K" << line;
  } else {
    *out_ << line << "\n";
  }
  out_->flush();
}

void Progress::Finish() {
  if (out_ && tty_) {
    *out_ << "\r\033[K";
    out_->flush();
  }
}

}  // namespace infx::sweep
