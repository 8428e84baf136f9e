#include "calibrate/fit.h"

#include <ceres/ceres.h>
#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "perf/calibration_file.h"
#include "perf/deployment.h"

namespace infx::calibrate {
namespace {

constexpr double kZ95 = 1.959964;
// Identifiable: the data shrink the prior's variance at least 25-fold (the
// log-factor's sd to a fifth of the prior's, about +-20% at 95% with the
// default prior), assuming measurement_sigma; a factor that is not and
// correlates beyond kStrongCorrelation with another is said to trade off.
constexpr double kFlatVarianceRatio = 0.04;
constexpr double kStrongCorrelation = 0.95;

bool IsFraction(const std::string& name) {
  return name.ends_with("mfu") || name.ends_with("mbu") ||
         name == "comm_efficiency";
}

// The fitted factors as log multipliers of their defaults.
struct Space {
  perf::Calibration base;
  std::vector<std::string> names;  // active (fitted) factors
  perf::Calibration Apply(const double* x) const {
    perf::Calibration c = base;
    for (size_t i = 0; i < names.size(); ++i) {
      double* f = perf::CalibrationNumber(c, names[i]);
      *f *= std::exp(x[i]);
    }
    return c;
  }
};

// One point's residuals: (log predicted - log measured) / sigma for output
// throughput, and TPOT where measured.
class PointCost {
 public:
  PointCost(const MeasuredPoint* point, const Space* space, double sigma)
      : point_(point), space_(space), inv_sigma_(1.0 / sigma) {}
  int num_residuals() const { return point_->tpot_ms > 0 ? 2 : 1; }
  bool operator()(double const* const* x, double* r) const {
    const Predicted p = PredictMeasured(*point_, space_->Apply(x[0]));
    if (!(p.output_tok_s_per_gpu > 0)) return false;
    r[0] = std::log(p.output_tok_s_per_gpu / point_->output_tok_s_per_gpu) *
           inv_sigma_;
    if (point_->tpot_ms > 0) {
      if (!(p.tpot_ms > 0)) return false;
      r[1] = std::log(p.tpot_ms / point_->tpot_ms) * inv_sigma_;
    }
    return true;
  }

 private:
  const MeasuredPoint* point_;
  const Space* space_;
  double inv_sigma_;
};

struct PriorCost {
  int n = 0;
  double inv_sigma = 1;
  template <typename T>
  bool operator()(T const* const* x, T* r) const {
    for (int i = 0; i < n; ++i) r[i] = x[0][i] * inv_sigma;
    return true;
  }
};

struct Problem {
  std::unique_ptr<ceres::Problem> problem;
  std::vector<ceres::ResidualBlockId> data_blocks;
  std::unique_ptr<ceres::LossFunction> loss;
};

Problem Build(const std::vector<const MeasuredPoint*>& points,
              const Space& space, const FitOptions& o, double* x) {
  Problem p;
  ceres::Problem::Options po;
  po.loss_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
  p.problem = std::make_unique<ceres::Problem>(po);
  p.loss = std::make_unique<ceres::HuberLoss>(o.huber_delta);
  const int n = static_cast<int>(space.names.size());
  ceres::NumericDiffOptions nd;
  nd.relative_step_size = 1e-4;
  for (const MeasuredPoint* m : points) {
    auto* functor = new PointCost(m, &space, o.measurement_sigma);
    auto* cost =
        new ceres::DynamicNumericDiffCostFunction<PointCost, ceres::FORWARD>(
            functor, ceres::TAKE_OWNERSHIP, nd);
    cost->AddParameterBlock(n);
    cost->SetNumResiduals(functor->num_residuals());
    p.data_blocks.push_back(p.problem->AddResidualBlock(cost, p.loss.get(), x));
  }
  auto* prior = new ceres::DynamicAutoDiffCostFunction<PriorCost>(
      new PriorCost{n, 1.0 / o.prior_sigma_log});
  prior->AddParameterBlock(n);
  prior->SetNumResiduals(n);
  p.problem->AddResidualBlock(prior, nullptr, x);
  for (int i = 0; i < n; ++i) {
    p.problem->SetParameterLowerBound(x, i, std::log(0.05));
    perf::Calibration base = space.base;
    const double def = *perf::CalibrationNumber(base, space.names[i]);
    if (IsFraction(space.names[i])) {
      p.problem->SetParameterUpperBound(x, i, std::log(1.0 / def));
    } else {
      p.problem->SetParameterUpperBound(x, i, std::log(20.0));
    }
  }
  return p;
}

ceres::Solver::Summary Solve(Problem& p, int max_iterations) {
  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.max_num_iterations = max_iterations;
  so.function_tolerance = 1e-12;
  so.parameter_tolerance = 1e-10;
  so.logging_type = ceres::SILENT;
  so.num_threads = 1;
  ceres::Solver::Summary summary;
  ceres::Solve(so, p.problem.get(), &summary);
  return summary;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Why no point depends on a factor, from what the points measured.
std::string NotExercised(const std::string& name,
                         const std::vector<MeasuredPoint>& points) {
  bool moe = false, fp4 = false, multi = false;
  for (const MeasuredPoint& m : points) {
    moe = moe || m.deployment.model.moe.has_value();
    fp4 = fp4 || m.deployment.weight_precision == Precision::kFp4;
    multi = multi || m.deployment.parallelism.tp * m.deployment.parallelism.ep *
                             m.deployment.parallelism.pp >
                         1;
  }
  std::string why = "no measured point depends on it";
  if (name == "moe_gemm_mfu" && !moe) why += " (no MoE model measured)";
  if (name == "fp4_gemm_mfu" && !fp4) why += " (no FP4 config measured)";
  if (name == "comm_efficiency" && !multi) {
    why += " (no multi-GPU config measured)";
  }
  return why;
}

// Factors some point's prediction moves with (a 10% change moves a
// prediction by more than 1e-6 relative).
std::vector<std::string> Exercised(const std::vector<MeasuredPoint>& points,
                                   const perf::Calibration& base,
                                   const std::vector<std::string>& names) {
  std::vector<Predicted> at_default;
  for (const MeasuredPoint& m : points) {
    at_default.push_back(PredictMeasured(m, base));
  }
  std::vector<std::string> out;
  for (const std::string& name : names) {
    perf::Calibration c = base;
    *perf::CalibrationNumber(c, name) *= 1.1;
    for (size_t i = 0; i < points.size(); ++i) {
      const Predicted p = PredictMeasured(points[i], c);
      const Predicted& d = at_default[i];
      if (std::abs(p.output_tok_s_per_gpu / d.output_tok_s_per_gpu - 1) >
              1e-6 ||
          std::abs(p.tpot_ms / d.tpot_ms - 1) > 1e-6) {
        out.push_back(name);
        break;
      }
    }
  }
  return out;
}

Status CheckOneGroup(const std::vector<MeasuredPoint>& points, FitResult& out) {
  std::set<std::string> groups, versions;
  for (const MeasuredPoint& m : points) {
    groups.insert(m.deployment.hardware.name + " / " +
                  std::string(perf::EngineName(m.deployment.engine)));
    versions.insert(m.engine_version);
  }
  if (groups.size() > 1) {
    return Status::InvalidArgument(fmt::format(
        "the points measure several hardware / engine pairs ({}): choose one "
        "with --hardware and --engine (a calibration is per pair)",
        fmt::join(groups, ", ")));
  }
  out.hardware = points.front().deployment.hardware.name;
  out.engine = std::string(perf::EngineName(points.front().deployment.engine));
  if (versions.size() == 1) out.engine_version = *versions.begin();
  return Status::Ok();
}

// The data residuals' Jacobian at the current parameters, without the
// robust loss (rows: residuals, columns: active factors).
Eigen::MatrixXd DataJacobian(Problem& p, std::vector<double>& residuals) {
  ceres::Problem::EvaluateOptions eo;
  eo.residual_blocks = p.data_blocks;
  eo.apply_loss_function = false;
  ceres::CRSMatrix crs;
  double cost = 0;
  p.problem->Evaluate(eo, &cost, &residuals, nullptr, &crs);
  Eigen::MatrixXd j = Eigen::MatrixXd::Zero(crs.num_rows, crs.num_cols);
  for (int row = 0; row < crs.num_rows; ++row) {
    for (int k = crs.rows[row]; k < crs.rows[row + 1]; ++k) {
      j(row, crs.cols[k]) = crs.values[k];
    }
  }
  return j;
}

// Why the data leave factor i undetermined: the factor it trades off
// against when one does, else a flat direction.
std::string Unidentified(const Space& space, const Eigen::MatrixXd& cov,
                         int i) {
  int worst = -1;
  double worst_r = 0;
  for (int k = 0; k < cov.rows(); ++k) {
    if (k == i) continue;
    const double r = cov(i, k) / std::sqrt(cov(i, i) * cov(k, k));
    if (std::abs(r) > std::abs(worst_r)) {
      worst = k;
      worst_r = r;
    }
  }
  if (worst >= 0 && std::abs(worst_r) > kStrongCorrelation) {
    return fmt::format("strongly correlated with {} (r = {:.3f})",
                       space.names[worst], worst_r);
  }
  return "flat: the data barely constrain it (posterior spread close to "
         "the prior's)";
}

// Value, 95% interval and identifiability of each active factor from the
// covariance at the optimum: (J'J + prior)^-1, scaled by the residual
// variance for the factors the data determine.
void FillActiveFactors(const Space& space, const std::vector<double>& x,
                       const Eigen::MatrixXd& j,
                       const std::vector<double>& residuals,
                       const FitOptions& o,
                       std::map<std::string, FactorFit>& out) {
  const int n = static_cast<int>(x.size());
  const double prior_var = o.prior_sigma_log * o.prior_sigma_log;
  Eigen::MatrixXd h = j.transpose() * j;
  h.diagonal().array() += 1.0 / prior_var;
  const Eigen::MatrixXd cov = h.inverse();
  double ss = 0;
  for (double r : residuals) ss += r * r;
  const double dof = std::max(1.0, static_cast<double>(residuals.size()) - n);
  const double s2 = ss / dof;
  for (int i = 0; i < n; ++i) {
    FactorFit& f = out[space.names[i]];
    // Noisier data than measurement_sigma widen the judgement too.
    f.identifiable =
        cov(i, i) * std::max(1.0, s2) / prior_var <= kFlatVarianceRatio;
    f.reason.clear();
    if (!f.identifiable) {
      f.reason = Unidentified(space, cov, i);
    }
    const double sd = std::sqrt(cov(i, i) * (f.identifiable ? s2 : 1.0));
    f.value = f.default_value * std::exp(x[i]);
    f.ci_low = f.default_value * std::exp(x[i] - kZ95 * sd);
    f.ci_high = f.default_value * std::exp(x[i] + kZ95 * sd);
  }
}

void FillResiduals(const std::vector<MeasuredPoint>& points,
                   const perf::Calibration& base,
                   const perf::Calibration& fitted, FitResult& out) {
  std::vector<double> before, after, tpot;
  for (const MeasuredPoint& m : points) {
    PointResidual r;
    r.config_key = m.config_key;
    r.isl = m.workload.isl;
    r.osl = m.workload.osl;
    r.concurrency = m.concurrency;
    r.measured = m.output_tok_s_per_gpu;
    const Predicted d = PredictMeasured(m, base);
    const Predicted f = PredictMeasured(m, fitted);
    r.predicted_default = d.output_tok_s_per_gpu;
    r.predicted = f.output_tok_s_per_gpu;
    r.error_default = r.predicted_default / r.measured - 1;
    r.error = r.predicted / r.measured - 1;
    r.tpot_measured_ms = m.tpot_ms;
    if (m.tpot_ms > 0) {
      r.tpot_predicted_ms = f.tpot_ms;
      tpot.push_back(std::abs(f.tpot_ms / m.tpot_ms - 1));
    }
    before.push_back(std::abs(r.error_default));
    after.push_back(std::abs(r.error));
    out.residuals.push_back(r);
  }
  out.median_abs_error = Median(after);
  out.median_abs_error_default = Median(before);
  out.median_abs_error_tpot = Median(tpot);
}

// Refits without each config in turn and predicts its points.
void LeaveOneConfigOut(const std::vector<MeasuredPoint>& points,
                       const Space& space, const std::vector<double>& x_opt,
                       const FitOptions& o, FitResult& out) {
  std::vector<std::string> keys;
  for (const MeasuredPoint& m : points) {
    if (std::find(keys.begin(), keys.end(), m.config_key) == keys.end()) {
      keys.push_back(m.config_key);
    }
  }
  if (keys.size() < 2 || space.names.empty()) return;
  std::vector<double> held_out;
  for (const std::string& key : keys) {
    std::vector<const MeasuredPoint*> train;
    for (const MeasuredPoint& m : points) {
      if (m.config_key != key) train.push_back(&m);
    }
    std::vector<double> x = x_opt;
    Problem p = Build(train, space, o, x.data());
    Solve(p, 10);  // warm-started at the full fit
    const perf::Calibration cal = space.Apply(x.data());
    for (size_t i = 0; i < points.size(); ++i) {
      if (points[i].config_key != key) continue;
      PointResidual& r = out.residuals[i];
      r.loo_error =
          PredictMeasured(points[i], cal).output_tok_s_per_gpu / r.measured - 1;
      r.has_loo = true;
      held_out.push_back(std::abs(r.loo_error));
    }
  }
  out.loo_configs = static_cast<int>(keys.size());
  out.loo_median_abs_error = Median(held_out);
}

}  // namespace

const std::vector<std::string>& DefaultFitFactors() {
  static const std::vector<std::string> kFactors = {"gemm_mfu",
                                                    "moe_gemm_mfu",
                                                    "fp4_gemm_mfu",
                                                    "weight_mbu",
                                                    "kv_mbu",
                                                    "comm_efficiency",
                                                    "step_overhead_s",
                                                    "per_seq_overhead_s",
                                                    "per_layer_overhead_s"};
  return kFactors;
}

}  // namespace infx::calibrate

namespace infx::calibrate {

Result<FitResult> FitCalibration(const std::vector<MeasuredPoint>& points,
                                 const FitOptions& options) {
  if (points.size() < 2) {
    return Status::FailedPrecondition(fmt::format(
        "{} measured point(s): a calibration needs at least 2 valid points",
        points.size()));
  }
  FitResult out;
  INFX_RETURN_IF_ERROR(CheckOneGroup(points, out));
  const std::vector<std::string>& wanted =
      options.factors.empty() ? DefaultFitFactors() : options.factors;
  Space space;
  space.base = points.front().deployment.calibration;
  for (const std::string& name : wanted) {
    if (perf::CalibrationNumber(space.base, name) == nullptr) {
      return Status::InvalidArgument("unknown calibration factor '" + name +
                                     "'");
    }
  }
  space.names = Exercised(points, space.base, wanted);
  std::map<std::string, FactorFit> fits;
  for (const std::string& name : wanted) {
    FactorFit& f = fits[name];
    f.name = name;
    f.default_value = f.value = f.ci_low = f.ci_high =
        *perf::CalibrationNumber(space.base, name);
    f.reason = NotExercised(name, points);
  }
  std::vector<double> x(space.names.size(), 0.0);
  if (!space.names.empty()) {
    std::vector<const MeasuredPoint*> all;
    for (const MeasuredPoint& m : points) all.push_back(&m);
    Problem p = Build(all, space, options, x.data());
    const ceres::Solver::Summary summary = Solve(p, options.max_iterations);
    out.solver_summary = summary.BriefReport();
    if (!summary.IsSolutionUsable()) {
      return Status::Internal("calibration fit failed: " +
                              summary.BriefReport());
    }
    std::vector<double> residuals;
    const Eigen::MatrixXd j = DataJacobian(p, residuals);
    FillActiveFactors(space, x, j, residuals, options, fits);
  }
  for (const std::string& name : wanted) out.factors.push_back(fits[name]);
  out.calibration = space.Apply(x.data());
  FillResiduals(points, space.base, out.calibration, out);
  if (options.leave_one_out) LeaveOneConfigOut(points, space, x, options, out);
  return out;
}

Result<FitResult> EvaluateCalibration(const std::vector<MeasuredPoint>& points,
                                      const perf::Calibration& calibration) {
  if (points.empty()) {
    return Status::FailedPrecondition("no valid measured point to evaluate");
  }
  FitResult out;
  INFX_RETURN_IF_ERROR(CheckOneGroup(points, out));
  perf::Calibration base = points.front().deployment.calibration;
  perf::Calibration given = calibration;
  for (const std::string& name : DefaultFitFactors()) {
    FactorFit f;
    f.name = name;
    f.default_value = *perf::CalibrationNumber(base, name);
    f.value = f.ci_low = f.ci_high = *perf::CalibrationNumber(given, name);
    f.reason = "given, not fitted";
    out.factors.push_back(f);
  }
  out.calibration = calibration;
  FillResiduals(points, base, calibration, out);
  return out;
}

}  // namespace infx::calibrate
