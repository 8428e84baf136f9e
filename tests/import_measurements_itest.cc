// `infx import-measurements` end to end: the shipped example of published
// TensorRT-LLM rows is stored as a named source and `infx calibrate` fits
// it; several hardware in one run ask for --hardware; a bad row names
// file:line.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;
using testing::ScratchDir;

TEST(ImportMeasurementsCliTest, ImportsPublishedRowsAndCalibratesThem) {
  const std::string dir = ScratchDir("calibrate-import");
  const std::string db = dir + "/public.db";
  const std::string csv =
      std::string(INFX_SOURCE_DIR) + "/examples/published-trtllm.csv";
  auto imp = RunInfx({"import-measurements", csv, "--source",
                      "trtllm-perf-overview", "--db", db});
  ASSERT_EQ(imp.exit_code, 0) << imp.stderr_text;
  EXPECT_NE(imp.stdout_text.find("source trtllm-perf-overview"),
            std::string::npos)
      << imp.stdout_text;
  auto cal = RunInfx({"calibrate", "--db", db, "--hardware", "h200", "--engine",
                      "trtllm", "--json", "--no-loo"});
  ASSERT_EQ(cal.exit_code, 0) << cal.stderr_text;
  const nlohmann::json fit = nlohmann::json::parse(cal.stdout_text);
  EXPECT_GT(fit["points"].get<int>(), 10);
  EXPECT_EQ(fit["engine_version"], "1.0");
  EXPECT_LT(fit["median_abs_error"].get<double>(),
            fit["median_abs_error_default"].get<double>());
  // Several hardware in one run: calibrate asks to choose.
  auto mixed = RunInfx({"calibrate", "--db", db});
  EXPECT_NE(mixed.exit_code, 0);
  EXPECT_NE(mixed.stderr_text.find("--hardware"), std::string::npos)
      << mixed.stderr_text;
  // A bad row names file:line.
  const std::string bad = dir + "/bad.csv";
  std::ofstream(bad)
      << "source_url,model,hardware,engine,engine_version,precision,tp,ep,"
         "pp,dp_attention,isl,osl,concurrency,output_tok_s_per_gpu\n"
         "u,llama-3.1-8b,h200,trtllm,1.0,fp8,1,1,1,maybe,128,128,max,1\n";
  auto rejected = RunInfx({"import-measurements", bad, "--db", db});
  EXPECT_NE(rejected.exit_code, 0);
  EXPECT_NE(rejected.stderr_text.find("bad.csv:2"), std::string::npos)
      << rejected.stderr_text;
}

}  // namespace
}  // namespace infx
