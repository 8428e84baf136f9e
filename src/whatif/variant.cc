#include "whatif/variant.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "common/table.h"

namespace infx::whatif {
namespace {

// A numeric hardware field: its unit for absolute values and how to read
// and write it.
struct NumericField {
  const char* name;
  double unit;  // absolute values are given in this many base units
  double hardware::HardwareSpec::*number;
};

const std::vector<NumericField>& NumericFields() {
  static const std::vector<NumericField> kFields = {
      {"hbm_bandwidth", 1e12,
       &hardware::HardwareSpec::hbm_bandwidth_bytes_per_s},  // TB/s
      {"hbm_capacity", 1e9, &hardware::HardwareSpec::hbm_capacity_bytes},  // GB
      {"scaleup_bandwidth", 1e9,
       &hardware::HardwareSpec::scale_up_bandwidth_bytes_per_s},  // GB/s
      {"scaleout_bandwidth", 1e9,
       &hardware::HardwareSpec::scale_out_bandwidth_bytes_per_s},  // GB/s
      {"flops_bf16", 1e12, &hardware::HardwareSpec::bf16_flops},   // TFLOP/s
      {"flops_fp8", 1e12, &hardware::HardwareSpec::fp8_flops},
      {"flops_fp4", 1e12, &hardware::HardwareSpec::fp4_flops},
  };
  return kFields;
}

const NumericField* FindNumeric(std::string_view name) {
  for (const NumericField& f : NumericFields()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string KnownList() {
  std::string out;
  for (const std::string& f : KnownVaryFields()) {
    out += (out.empty() ? "" : ", ") + f;
  }
  return out;
}

// "x1.5" -> multiplier 1.5; "3.2" -> absolute 3.2. Rejects <= 0 multipliers,
// negative values and junk.
struct Amount {
  bool multiplier = false;
  double value = 0;
};
Result<Amount> ParseAmount(const std::string& field, const std::string& text) {
  Amount a;
  std::string number = text;
  if (!number.empty() && (number[0] == 'x' || number[0] == 'X')) {
    a.multiplier = true;
    number = number.substr(1);
  }
  char* end = nullptr;
  a.value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() ||
      !std::isfinite(a.value) || a.value < 0 ||
      (a.multiplier && a.value <= 0)) {
    return Status::InvalidArgument(
        "--vary " + field + ": '" + text +
        "' is not a multiplier (x1.5) or a non-negative number");
  }
  return a;
}

Result<int> ParseTopology(const std::string& text) {
  if (text == "switched") return 0;
  if (text == "torus2d" || text == "torus-2d") return 2;
  if (text == "torus3d" || text == "torus-3d") return 3;
  return Status::InvalidArgument("--vary topology: '" + text +
                                 "' is not switched, torus2d or torus3d");
}

Status CheckValue(const std::string& field, const std::string& value) {
  if (field == "precision") return ParsePrecision(value).status();
  if (field == "topology") return ParseTopology(value).status();
  INFX_ASSIGN_OR_RETURN(Amount a, ParseAmount(field, value));
  if (field == "scaleup_domain" && !a.multiplier && a.value < 1) {
    return Status::InvalidArgument("--vary scaleup_domain: '" + value +
                                   "' must be at least 1 GPU");
  }
  return Status::Ok();
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    out += (out.empty() ? "" : " ") + p;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& KnownVaryFields() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const NumericField& f : NumericFields()) names.emplace_back(f.name);
    names.insert(names.begin() + 2, "scaleup_domain");
    names.emplace_back("topology");
    names.emplace_back("precision");
    return names;
  }();
  return kNames;
}

Result<VaryAxis> ParseVaryFlag(std::string_view text) {
  const size_t eq = text.find('=');
  VaryAxis axis;
  axis.field = std::string(text.substr(0, eq));
  const auto& known = KnownVaryFields();
  if (std::find(known.begin(), known.end(), axis.field) == known.end()) {
    return Status::InvalidArgument("--vary: unknown field '" + axis.field +
                                   "' (known: " + KnownList() + ")");
  }
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("--vary " + axis.field +
                                   ": expected field=value[,value...]");
  }
  std::stringstream in{std::string(text.substr(eq + 1))};
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    INFX_RETURN_IF_ERROR(CheckValue(axis.field, item));
    axis.values.push_back(item);
  }
  if (axis.values.empty()) {
    return Status::InvalidArgument("--vary " + axis.field + ": no values");
  }
  return axis;
}

Status ApplySetting(const Setting& s, hardware::HardwareSpec& hw,
                    Precision& precision) {
  if (s.field == "precision") {
    INFX_ASSIGN_OR_RETURN(precision, ParsePrecision(s.value));
    return Status::Ok();
  }
  if (s.field == "topology") {
    INFX_ASSIGN_OR_RETURN(hw.torus_dims, ParseTopology(s.value));
    return Status::Ok();
  }
  INFX_ASSIGN_OR_RETURN(Amount a, ParseAmount(s.field, s.value));
  if (s.field == "scaleup_domain") {
    const double gpus =
        a.multiplier ? hw.scale_up_domain_gpus * a.value : a.value;
    hw.scale_up_domain_gpus = std::max(1, static_cast<int>(std::lround(gpus)));
    return Status::Ok();
  }
  const NumericField* f = FindNumeric(s.field);
  if (f == nullptr) {
    return Status::InvalidArgument("--vary: unknown field '" + s.field +
                                   "' (known: " + KnownList() + ")");
  }
  double& field = hw.*(f->number);
  field = a.multiplier ? field * a.value : a.value * f->unit;
  return Status::Ok();
}

Result<std::vector<Variant>> MakeVariants(
    const std::vector<model::ModelSpec>& models,
    const std::vector<hardware::HardwareSpec>& hardware,
    const std::vector<VaryAxis>& axes, int max_variants) {
  double count = static_cast<double>(models.size() * hardware.size());
  for (const VaryAxis& a : axes) count *= static_cast<double>(a.values.size());
  if (count < 1) {
    return Status::InvalidArgument(
        "whatif: need at least one model and one "
        "hardware entry");
  }
  if (count > max_variants) {
    return Status::InvalidArgument("whatif: " + FormatFixed(count, 0) +
                                   " variants (models x hardware x "
                                   "--vary values) is more than the limit of " +
                                   std::to_string(max_variants));
  }
  std::vector<Variant> out;
  for (const model::ModelSpec& m : models) {
    for (const hardware::HardwareSpec& hw : hardware) {
      std::vector<size_t> index(axes.size(), 0);
      while (true) {
        Variant v;
        v.model = m;
        v.hardware = hw;
        v.precision = m.quant ? m.quant->weight_precision : Precision::kBf16;
        std::vector<std::string> label = {
            models.size() > 1 ? m.name : "",
            hardware.size() > 1 || axes.empty() ? hw.name : ""};
        for (size_t i = 0; i < axes.size(); ++i) {
          Setting s{axes[i].field, axes[i].values[index[i]]};
          INFX_RETURN_IF_ERROR(ApplySetting(s, v.hardware, v.precision));
          label.push_back(s.field + "=" + s.value);
          v.settings.push_back(std::move(s));
        }
        v.label = Join(label);
        out.push_back(std::move(v));
        size_t k = axes.size();
        while (k > 0 && ++index[k - 1] == axes[k - 1].values.size()) {
          index[--k] = 0;
        }
        if (k == 0) break;
      }
    }
  }
  return out;
}

}  // namespace infx::whatif
