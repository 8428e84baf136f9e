// Sweep progress for people: the current point, how many are left, elapsed
// time and an ETA. On a terminal one live line is redrawn in place; else
// one line per event. The ETA weights the remaining points by their
// expected duration (rounds of requests x output tokens), learned from the
// points done so far.
//
// Thread-safety: one thread drives a Progress.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

namespace infx::sweep {

// "1h02m", "3m05s", "42s".
std::string FormatDuration(double seconds);

class Progress {
 public:
  // `total_work` is the sum of Work() over all points to run.
  Progress(std::ostream* out, bool tty, int total_points, double total_work);

  // Expected relative duration of a point: ceil(prompts / concurrency)
  // rounds of `osl` decode steps each, plus the prefill share.
  static double Work(int num_prompts, int concurrency, int64_t isl,
                     int64_t osl);

  void Start(const std::string& label, double work);
  // `result` is a short summary ("1234 tok/s/GPU, 45 tok/s/user").
  void Done(const std::string& result, bool ok);
  // A message on its own line (config started, failed, skipped).
  void Note(const std::string& message);
  void Finish();

  double elapsed_s() const;
  std::string EtaText() const;

 private:
  void Draw();

  std::ostream* out_;
  bool tty_;
  int total_points_;
  int done_points_ = 0;
  double total_work_;
  double done_work_ = 0;
  double current_work_ = 0;
  double done_seconds_ = 0;
  std::string current_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point point_start_;
};

}  // namespace infx::sweep
