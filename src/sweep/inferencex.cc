#include "sweep/inferencex.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/files.h"
#include "sweep/yaml_fields.h"

namespace infx::sweep {
namespace {

// InferenceX's benchmark client settings (benchmark_serving.py flags).
constexpr int kPromptsPerConcurrency = 10;
constexpr double kRangeRatio = 0.8;

// Field name -> (reason, entries using it), printed one line per field.
class UnhonouredFields {
 public:
  void Add(const std::string& field, const std::string& reason,
           const std::string& entry) {
    auto& slot = fields_[field];
    slot.first = reason;
    if (std::find(slot.second.begin(), slot.second.end(), entry) ==
        slot.second.end()) {
      slot.second.push_back(entry);
    }
  }
  std::vector<std::string> Lines() const {
    std::vector<std::string> out;
    for (const auto& [field, slot] : fields_) {
      std::string names;
      for (size_t i = 0; i < slot.second.size() && i < 4; ++i) {
        names += (i ? ", " : "") + slot.second[i];
      }
      if (slot.second.size() > 4) {
        names += fmt::format(", ... ({} more)", slot.second.size() - 4);
      }
      out.push_back(fmt::format("{}: {} [{} entr{}: {}]", field, slot.first,
                                slot.second.size(),
                                slot.second.size() == 1 ? "y" : "ies", names));
    }
    return out;
  }

 private:
  std::map<std::string, std::pair<std::string, std::vector<std::string>>>
      fields_;
};

using Lookup = FilterValues;

std::string Scalar(const YAML::Node& n, const std::string& key,
                   const std::string& fallback = "") {
  const YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : fallback;
}

std::string SeqName(int64_t isl, int64_t osl) {
  if (isl == 1024 && osl == 1024) return "1k1k";
  if (isl == 8192 && osl == 1024) return "8k1k";
  return fmt::format("{}/{}", isl, osl);
}

struct Importer {
  const std::vector<FilterTerm>& filters;
  std::string source;
  Matrix m;
  UnhonouredFields unhonoured;
  std::map<std::string, int> config_index;
  std::map<std::pair<int64_t, int64_t>, int> workload_index;
  std::set<std::tuple<int, int, int>> seen;
  int entries_matched = 0;

  Status Entry(const std::string& name, const YAML::Node& e);
  // Fields of entry `name` infx records but does not act on.
  void RecordUnhonouredKeys(const std::string& name, const YAML::Node& e,
                            bool disagg);
  // The entry's fixed-seq-len scenarios (others recorded as skipped).
  Status Scenarios(const std::string& name, const std::string& where,
                   const ServingConfig& base, const Lookup& values,
                   const YAML::Node& e);
  Status Sequence(const std::string& name, const ServingConfig& base,
                  const Lookup& entry_values, const YAML::Node& seq,
                  const std::string& where);
  Status SearchEntry(const std::string& name, const ServingConfig& base,
                     Lookup values, int workload, const YAML::Node& s,
                     const std::string& where);
  Result<WorkerPool> Pool(const std::string& name, const YAML::Node& w,
                          const std::string& where);
  int AddConfig(const ServingConfig& c);
  // The parallelism of a search-space entry: prefill/decode worker pools
  // (multinode) or tp, pp, ep, dp-attn.
  Status Shape(const std::string& name, const YAML::Node& s,
               const std::string& where, bool multinode, ServingConfig& c);
};

Result<WorkerPool> Importer::Pool(const std::string& name, const YAML::Node& w,
                                  const std::string& where) {
  INFX_RETURN_IF_ERROR(yamlf::CheckMap(w, where));
  WorkerPool p;
  constexpr yamlf::Range kPar{1, kMaxParallelism};
  // InferenceX writes num-worker 0 for a pool it does not use.
  INFX_ASSIGN_OR_RETURN(
      int64_t n, yamlf::Int(w, "num-worker", 1, where, {0, kMaxParallelism}));
  INFX_ASSIGN_OR_RETURN(int64_t tp, yamlf::Int(w, "tp", 1, where, kPar));
  INFX_ASSIGN_OR_RETURN(int64_t pp, yamlf::Int(w, "pp", 1, where, kPar));
  INFX_ASSIGN_OR_RETURN(int64_t ep, yamlf::Int(w, "ep", 1, where, kPar));
  INFX_ASSIGN_OR_RETURN(p.dp_attention,
                        yamlf::Bool(w, "dp-attn", false, where));
  p.num_workers = static_cast<int>(n);
  p.tp = static_cast<int>(tp);
  p.pp = static_cast<int>(pp);
  p.ep = static_cast<int>(ep);
  for (const auto& kv : w) {
    const std::string key = kv.first.as<std::string>("");
    if (key == "num-worker" || key == "tp" || key == "pp" || key == "ep" ||
        key == "dp-attn") {
      continue;
    }
    if ((key == "dcp-size" || key == "pcp-size") && kv.second.IsScalar() &&
        kv.second.Scalar() == "1") {
      continue;
    }
    unhonoured.Add("worker " + key,
                   "worker-pool setting not modelled; recorded only", name);
  }
  return p;
}

int Importer::AddConfig(const ServingConfig& c) {
  const std::string key = c.Key();
  auto it = config_index.find(key);
  if (it != config_index.end()) return it->second;
  const int index = static_cast<int>(m.configs.size());
  m.configs.push_back(c);
  m.config_concurrencies.emplace_back();
  config_index[key] = index;
  return index;
}

Status Importer::Shape(const std::string& name, const YAML::Node& s,
                       const std::string& where, bool multinode,
                       ServingConfig& c) {
  if (multinode || s["prefill"]) {
    if (!s["prefill"] || !s["decode"]) {
      return Status::InvalidArgument(where +
                                     ": multinode entry needs prefill and "
                                     "decode worker blocks");
    }
    INFX_ASSIGN_OR_RETURN(c.prefill,
                          Pool(name, s["prefill"], where + ".prefill"));
    INFX_ASSIGN_OR_RETURN(c.decode, Pool(name, s["decode"], where + ".decode"));
    c.tp = c.decode->tp;
    c.pp = c.decode->pp;
    c.ep = c.decode->ep;
    c.dp_attention = c.decode->dp_attention;
  } else {
    constexpr yamlf::Range kPar{1, kMaxParallelism};
    INFX_ASSIGN_OR_RETURN(int64_t tp, yamlf::Int(s, "tp", 0, where, kPar));
    if (tp < 1) return Status::InvalidArgument(where + ": missing field 'tp'");
    INFX_ASSIGN_OR_RETURN(int64_t pp, yamlf::Int(s, "pp", 1, where, kPar));
    INFX_ASSIGN_OR_RETURN(int64_t ep, yamlf::Int(s, "ep", 1, where, kPar));
    INFX_ASSIGN_OR_RETURN(c.dp_attention,
                          yamlf::Bool(s, "dp-attn", false, where));
    c.tp = static_cast<int>(tp);
    c.pp = static_cast<int>(pp);
    c.ep = static_cast<int>(ep);
  }
  return Status::Ok();
}

// conc-list, else conc-start doubling up to conc-end (InferenceX).
Result<std::vector<int>> SearchConcurrencies(const YAML::Node& s,
                                             const std::string& where) {
  std::vector<int> concs;
  if (s["conc-list"]) {
    INFX_ASSIGN_OR_RETURN(auto list, yamlf::IntList(s, "conc-list", {}, where,
                                                    {1, kMaxConcurrency}));
    for (int64_t v : list) concs.push_back(static_cast<int>(v));
  } else {
    INFX_ASSIGN_OR_RETURN(int64_t start, yamlf::Int(s, "conc-start", 0, where,
                                                    {1, kMaxConcurrency}));
    INFX_ASSIGN_OR_RETURN(
        int64_t end, yamlf::Int(s, "conc-end", 0, where, {1, kMaxConcurrency}));
    concs = DoublingRange(static_cast<int>(start), static_cast<int>(end));
    if (concs.empty()) {
      return Status::InvalidArgument(fmt::format(
          "{}: needs conc-list or 1 <= conc-start <= conc-end", where));
    }
  }
  return concs;
}

Status Importer::SearchEntry(const std::string& name, const ServingConfig& base,
                             Lookup values, int workload, const YAML::Node& s,
                             const std::string& where) {
  INFX_RETURN_IF_ERROR(yamlf::CheckMap(s, where));
  ServingConfig c = base;
  const bool multinode = values["multinode"] == "true";
  static const std::set<std::string> kHonoured = {
      "tp",       "pp",        "ep",      "dp-attn", "conc-start",
      "conc-end", "conc-list", "prefill", "decode",  "spec-decoding"};
  for (const auto& kv : s) {
    const std::string key = kv.first.as<std::string>("");
    if (kHonoured.count(key)) continue;
    if ((key == "dcp-size" || key == "pcp-size") && kv.second.IsScalar() &&
        kv.second.Scalar() == "1") {
      continue;
    }
    unhonoured.Add(key, "search-space setting not modelled; recorded only",
                   name);
    if (kv.second.IsScalar()) c.metadata[key] = kv.second.Scalar();
  }
  INFX_RETURN_IF_ERROR(Shape(name, s, where, multinode, c));
  const std::string spec = Scalar(s, "spec-decoding", "none");
  if (spec != "none") {
    c.metadata["spec-decoding"] = spec;
    unhonoured.Add("spec-decoding",
                   "kept in the config key; speculative decoding is not "
                   "modelled by the emulator",
                   name);
  }
  values["tp"] = std::to_string(c.tp);
  values["ep"] = std::to_string(c.ep);
  values["dp-attn"] = c.dp_attention ? "true" : "false";
  values["spec-decoding"] = spec;
  if (!FilterPasses(filters, FilterLevel::kSearch, values)) return Status::Ok();

  INFX_ASSIGN_OR_RETURN(std::vector<int> concs, SearchConcurrencies(s, where));
  const int config = AddConfig(c);
  for (int conc : concs) {
    values["conc"] = std::to_string(conc);
    if (conc < 1 || !FilterPasses(filters, FilterLevel::kPoint, values))
      continue;
    if (!seen.insert({config, workload, conc}).second) {
      unhonoured.Add("duplicate point",
                     "same config, isl, osl and concurrency listed twice; "
                     "measured once",
                     name);
      continue;
    }
    m.explicit_points.push_back(
        Point{config, workload, conc, 0, conc * kPromptsPerConcurrency});
  }
  return Status::Ok();
}

Status Importer::Sequence(const std::string& name, const ServingConfig& base,
                          const Lookup& entry_values, const YAML::Node& seq,
                          const std::string& where) {
  INFX_RETURN_IF_ERROR(yamlf::CheckMap(seq, where));
  INFX_ASSIGN_OR_RETURN(
      int64_t isl, yamlf::Int(seq, "isl", 0, where, {1, kMaxSequenceTokens}));
  INFX_ASSIGN_OR_RETURN(
      int64_t osl, yamlf::Int(seq, "osl", 0, where, {1, kMaxSequenceTokens}));
  if (isl < 1 || osl < 1) {
    return Status::InvalidArgument(where + ": needs isl and osl >= 1");
  }
  for (const auto& kv : seq) {
    const std::string key = kv.first.as<std::string>("");
    if (key != "isl" && key != "osl" && key != "search-space") {
      unhonoured.Add(key, "fixed-seq-len setting not modelled", name);
    }
  }
  Lookup values = entry_values;
  values["isl"] = std::to_string(isl);
  values["osl"] = std::to_string(osl);
  values["seq"] = SeqName(isl, osl);
  if (!FilterPasses(filters, FilterLevel::kSequence, values))
    return Status::Ok();
  auto [it, added] = workload_index.try_emplace(
      {isl, osl}, static_cast<int>(m.workloads.size()));
  if (added) m.workloads.push_back(Workload{isl, osl, kRangeRatio});
  const YAML::Node space = seq["search-space"];
  if (!space || !space.IsSequence()) {
    return Status::InvalidArgument(where + ": missing list 'search-space'");
  }
  for (size_t i = 0; i < space.size(); ++i) {
    INFX_RETURN_IF_ERROR(
        SearchEntry(name, base, values, it->second, space[i],
                    fmt::format("{}.search-space[{}]", where, i)));
  }
  return Status::Ok();
}

void Importer::RecordUnhonouredKeys(const std::string& name,
                                    const YAML::Node& e, bool disagg) {
  for (const auto& kv : e) {
    const std::string key = kv.first.as<std::string>("");
    if (key == "image") {
      unhonoured.Add("image",
                     "container images are not pulled; the target "
                     "decides what serves (recorded)",
                     name);
    } else if (key == "router" || key == "kv-p2p-transfer") {
      unhonoured.Add(key, "component metadata; recorded only", name);
    } else if (key == "disagg" && disagg) {
      unhonoured.Add("disagg",
                     "prefill/decode pools are passed to launch "
                     "targets; the emulator target skips them",
                     name);
    } else if (key != "model" && key != "model-prefix" && key != "runner" &&
               key != "precision" && key != "framework" && key != "multinode" &&
               key != "disagg" && key != "scenarios") {
      unhonoured.Add(key, "unknown master-config field", name);
    }
  }
}

Status Importer::Scenarios(const std::string& name, const std::string& where,
                           const ServingConfig& base, const Lookup& values,
                           const YAML::Node& e) {
  const YAML::Node scenarios = e["scenarios"];
  if (!scenarios || !scenarios.IsMap()) {
    return Status::InvalidArgument(where + ": missing mapping 'scenarios'");
  }
  for (const auto& kv : scenarios) {
    const std::string kind = kv.first.as<std::string>("");
    if (kind != "fixed-seq-len") {
      unhonoured.Add("scenarios." + kind,
                     "only fixed-seq-len scenarios are imported; skipped",
                     name);
    }
  }
  const YAML::Node fixed = scenarios["fixed-seq-len"];
  if (!fixed) return Status::Ok();
  if (!fixed.IsSequence()) {
    return Status::InvalidArgument(where + ": fixed-seq-len must be a list");
  }
  for (size_t i = 0; i < fixed.size(); ++i) {
    INFX_RETURN_IF_ERROR(
        Sequence(name, base, values, fixed[i],
                 fmt::format("{}.fixed-seq-len[{}]", where, i)));
  }
  return Status::Ok();
}

Status Importer::Entry(const std::string& name, const YAML::Node& e) {
  const std::string where = fmt::format("{}: {}", source, name);
  INFX_RETURN_IF_ERROR(yamlf::CheckMap(e, where));
  ServingConfig base;
  const std::string prefix = Scalar(e, "model-prefix");
  const std::string hf_model = Scalar(e, "model");
  base.model = ModelForEntry(prefix, hf_model);
  base.hardware = HardwareForRunner(Scalar(e, "runner"));
  base.engine = EngineForFramework(Scalar(e, "framework"));
  base.precision = Scalar(e, "precision", "bf16");
  if (base.precision == "fp4" || base.precision == "fp8") {
    base.kv_precision = "fp8";
  }
  base.metadata = {{"inferencex-entry", name},
                   {"image", Scalar(e, "image")},
                   {"model-id", hf_model},
                   {"framework", Scalar(e, "framework")},
                   {"runner", Scalar(e, "runner")}};
  Lookup values = {{"name", name},
                   {"model", hf_model},
                   {"model-prefix", prefix},
                   {"precision", base.precision},
                   {"framework", Scalar(e, "framework")},
                   {"runner", Scalar(e, "runner")},
                   {"hardware", base.hardware},
                   {"multinode", Scalar(e, "multinode", "false")},
                   {"disagg", Scalar(e, "disagg", "false")}};
  if (!FilterPasses(filters, FilterLevel::kEntry, values)) return Status::Ok();
  ++entries_matched;
  RecordUnhonouredKeys(name, e, values["disagg"] == "true");
  return Scenarios(name, where, base, values, e);
}

}  // namespace

std::string HardwareForRunner(const std::string& runner) {
  std::string r = runner;
  if (r.rfind("cluster:", 0) == 0) r = r.substr(8);
  return r.substr(0, r.find('-'));
}

std::string EngineForFramework(const std::string& framework) {
  std::string f = framework;
  for (const char* wrapper : {"dynamo-", "llmd-"}) {
    if (f.rfind(wrapper, 0) == 0) f = f.substr(std::string(wrapper).size());
  }
  if (f == "trt") return "trtllm";
  return f;
}

std::string ModelForEntry(const std::string& model_prefix,
                          const std::string& model) {
  static const std::map<std::string, std::string> kKnown = {
      {"dsr1", "deepseek-r1"},     {"dsv3", "deepseek-v3"},
      {"gptoss", "gpt-oss-120b"},  {"llama70b", "llama-3.1-70b"},
      {"llama8b", "llama-3.1-8b"}, {"kimik2", "kimi-k2"}};
  auto it = kKnown.find(model_prefix);
  return it == kKnown.end() ? model : it->second;
}

Result<InferenceXImport> ImportInferenceX(
    const YAML::Node& root, const std::string& source,
    const std::vector<FilterTerm>& filters) {
  Importer im{filters, source, {}, {}, {}, {}, {}, 0};
  im.m.name = "inferencex";
  im.m.prompts.per_concurrency = kPromptsPerConcurrency;
  try {
    INFX_RETURN_IF_ERROR(yamlf::CheckMap(root, source));
    for (const auto& kv : root) {
      INFX_RETURN_IF_ERROR(im.Entry(kv.first.as<std::string>(""), kv.second));
    }
  } catch (const YAML::Exception& e) {
    return Status::ParseError(fmt::format("{}: {}", source, e.what()));
  }
  if (im.m.explicit_points.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{}: no fixed-seq-len points match the filters ({} entries matched)",
        source, im.entries_matched));
  }
  im.m.concurrencies.clear();
  im.m.unhonoured = im.unhonoured.Lines();
  return InferenceXImport{std::move(im.m), im.entries_matched};
}

Result<InferenceXImport> ImportInferenceXFile(
    const std::string& path, const std::vector<FilterTerm>& filters) {
  INFX_ASSIGN_OR_RETURN(YAML::Node root, ReadYamlFile(path));
  return ImportInferenceX(root, path, filters);
}

}  // namespace infx::sweep
