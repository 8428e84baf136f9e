#include "web/accuracy_lookup.h"

#include <gtest/gtest.h>

namespace infx::web {
namespace {

frontier::EvalAccuracy Eval(const std::string& key, int concurrency,
                            bool pass) {
  frontier::EvalAccuracy e;
  e.config_key = key;
  e.concurrency = concurrency;
  e.pass = pass;
  return e;
}

TEST(AccuracyLookupTest, AnswersAsStatusAt) {
  frontier::RunAccuracy acc;
  acc.evals = {
      Eval("a", 4, true),  Eval("a", 16, false),  // a: fails at 16 only
      Eval("b", 4, false), Eval("b", 4, true),    // b: latest at 4 passes
      Eval("c", 0, false),                        // c: config-level FAIL
      Eval("d", 8, true),                         // d: passes
  };
  const AccuracyLookup lookup(acc);
  for (const std::string key : {"a", "b", "c", "d", "unknown"}) {
    for (double conc : {0.0, 1.0, 4.0, 8.0, 16.0, 64.0}) {
      EXPECT_EQ(lookup.StatusAt(key, conc), frontier::StatusAt(acc, key, conc))
          << key << " at " << conc;
      EXPECT_EQ(lookup.NameAt(key, conc),
                frontier::StatusName(frontier::StatusAt(acc, key, conc)))
          << key << " at " << conc;
    }
  }
  EXPECT_EQ(lookup.StatusAt("a", 64), frontier::PointStatus::kConfigFail);
  EXPECT_EQ(lookup.StatusAt("b", 4), frontier::PointStatus::kPass);
  const AccuracyLookup none(frontier::RunAccuracy{});
  EXPECT_EQ(none.StatusAt("a", 4), frontier::PointStatus::kNone);
}

}  // namespace
}  // namespace infx::web
