#include "living/accuracy_compare.h"

#include <map>
#include <string>

#include "eval/stats.h"

namespace infx::living {
namespace {

// question index -> correct, from an eval's outcomes array.
std::map<int64_t, bool> Outcomes(const store::EvalRecord& e) {
  std::map<int64_t, bool> out;
  if (!e.outcomes.is_array()) return out;
  for (const auto& o : e.outcomes) {
    if (!o.is_object()) continue;
    const auto index = o.find("index");
    const auto correct = o.find("correct");
    if (index == o.end() || !index->is_number_integer() || correct == o.end() ||
        !correct->is_boolean()) {
      continue;
    }
    out[index->get<int64_t>()] = correct->get<bool>();
  }
  return out;
}

}  // namespace

std::vector<AccuracyRow> CompareAccuracy(
    const std::vector<store::EvalRecord>& baseline,
    const std::vector<store::EvalRecord>& current, double alpha) {
  std::map<std::pair<std::string, std::string>, const store::EvalRecord*> a;
  for (const auto& e : baseline) {
    if (!e.point_id) a[{e.config_key, e.task}] = &e;  // last one wins
  }
  std::map<std::pair<std::string, std::string>, const store::EvalRecord*> b;
  for (const auto& e : current) {
    if (!e.point_id) b[{e.config_key, e.task}] = &e;
  }
  std::vector<AccuracyRow> rows;
  for (const auto& [key, eb] : b) {
    auto ea = a.find(key);
    if (ea == a.end()) continue;
    AccuracyRow row;
    row.config_key = key.first;
    row.task = key.second;
    row.baseline = ea->second->accuracy;
    row.current = eb->accuracy;
    const auto oa = Outcomes(*ea->second), ob = Outcomes(*eb);
    std::vector<bool> va, vb;
    for (const auto& [index, correct] : oa) {
      auto it = ob.find(index);
      if (it == ob.end()) continue;
      va.push_back(correct);
      vb.push_back(it->second);
    }
    row.paired = va.size();
    if (!va.empty()) {
      const auto paired = eval::ComparePaired(va, vb, alpha);
      row.p_value = paired.p_value;
      row.verdict = paired.verdict == eval::Verdict::kBetter  ? Verdict::kBetter
                    : paired.verdict == eval::Verdict::kWorse ? Verdict::kWorse
                                                              : Verdict::kSame;
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace infx::living
