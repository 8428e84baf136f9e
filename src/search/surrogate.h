// A config's surrogate serving curve: the planner's prediction at each
// concurrency corrected by the residuals measured so far. Residuals are
// log(measured / predicted) of interactivity and of throughput; between
// measured concurrencies they are interpolated linearly in log2 concurrency,
// beyond them held at the nearest. Before any measurement the prior mean is
// used (e.g. the average residual of the scenario's other configs). The
// uncertainty (sigma, in log units) is `noise_sigma` at a measured
// concurrency and grows with the distance in doublings to the nearest one,
// reaching `prior_sigma` after `span_doublings`.
//
// Thread-safety: plain value; not synchronized.
#pragma once

#include <map>

namespace infx::search {

struct SurrogateOptions {
  double prior_sigma = 0.15;    // prediction error scale (log units)
  double noise_sigma = 0.02;    // measurement noise (log units)
  double span_doublings = 2.0;  // distance at which sigma reaches the prior
};

struct Residual {
  double log_x = 0;  // log(measured / predicted) interactivity
  double log_y = 0;  // log(measured / predicted) throughput
};

struct SurrogateEstimate {
  Residual mean;
  double sigma = 0;  // standard deviation of both log residuals
};

class CurveSurrogate {
 public:
  explicit CurveSurrogate(SurrogateOptions options = {}) : o_(options) {}
  void Add(int concurrency, Residual r) { residuals_[concurrency] = r; }
  bool empty() const { return residuals_.empty(); }
  // Estimate at `concurrency`; `prior` is used when nothing is measured.
  SurrogateEstimate At(int concurrency, Residual prior = {}) const;
  const std::map<int, Residual>& residuals() const { return residuals_; }

 private:
  SurrogateOptions o_;
  std::map<int, Residual> residuals_;
};

}  // namespace infx::search
