// End-to-end: `infx whatif` as a user runs it: the JSON contract
// (docs/whatif.md), the SVG chart with one frontier per variant, the
// decomposition, and bad --vary input (exit 2, the known fields listed).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;

TEST(WhatIfCliTest, JsonHasOneLabelledFrontierPerVariant) {
  const auto out =
      RunInfx({"whatif", "--model", "llama-3.1-8b", "--hardware", "h200,b200",
               "--vary", "hbm_bandwidth=x1,x2", "--gpus", "8", "--json"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  const nlohmann::json j = nlohmann::json::parse(out.stdout_text);
  ASSERT_EQ(j["variants"].size(), 4u);
  EXPECT_EQ(j["variants"][0]["label"], "h200 hbm_bandwidth=x1");
  EXPECT_EQ(j["variants"][3]["label"], "b200 hbm_bandwidth=x2");
  for (const auto& v : j["variants"]) {
    ASSERT_FALSE(v["frontier"].empty()) << v["label"];
    double last = 0;
    for (const auto& p : v["frontier"]) {
      EXPECT_GT(p["interactivity"].get<double>(), last);
      last = p["interactivity"].get<double>();
      EXPECT_GT(p["throughput_per_gpu"].get<double>(), 0);
      EXPECT_TRUE(p["config"].is_string());
    }
    EXPECT_EQ(v["iso"].size(), j["iso_levels"].size());
  }
  EXPECT_FALSE(j.contains("decomposition"));
}

TEST(WhatIfCliTest, ChartHasOneSeriesPerVariantAndTableHasDecomposition) {
  const std::string dir = testing::ScratchDir("whatif_chart");
  const std::string svg = dir + "/whatif.svg";
  const auto out = RunInfx({"whatif", "--model", "llama-3.1-8b", "--hardware",
                            "h100,h200", "--vary", "precision=bf16,fp8",
                            "--gpus", "8", "--chart", svg, "--decompose"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stdout_text.find("decomposition"), std::string::npos);
  EXPECT_NE(out.stdout_text.find("h100 -> h200"), std::string::npos)
      << out.stdout_text;
  EXPECT_NE(out.stdout_text.find("bf16 -> fp8"), std::string::npos);
  std::ifstream in(svg);
  std::stringstream text;
  text << in.rdbuf();
  for (const char* label : {"h100 precision=bf16", "h100 precision=fp8",
                            "h200 precision=bf16", "h200 precision=fp8"}) {
    EXPECT_NE(text.str().find(label), std::string::npos) << label;
  }
}

TEST(WhatIfCliTest, UnknownVaryFieldIsAUsageErrorListingTheKnownOnes) {
  const auto out =
      RunInfx({"whatif", "--model", "llama-3.1-8b", "--vary", "hbm_speed=x2"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.stderr_text.find("hbm_speed"), std::string::npos);
  for (const char* known : {"hbm_bandwidth", "hbm_capacity", "scaleup_domain",
                            "flops_fp8", "precision", "topology"}) {
    EXPECT_NE(out.stderr_text.find(known), std::string::npos)
        << known << " missing in " << out.stderr_text;
  }
  const auto bad = RunInfx(
      {"whatif", "--model", "llama-3.1-8b", "--vary", "hbm_bandwidth=fast"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.stderr_text.find("fast"), std::string::npos);
}

}  // namespace
}  // namespace infx
