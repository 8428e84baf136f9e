// Bad numbers on the command line are refused by name (issue 12, defects 4
// and 14): sizes beyond what is plausible (docs/limits.md), NaN, nonsense
// parallelism, and the messages say which flag and what was expected.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/files.h"
#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;

struct Case {
  std::vector<std::string> args;
  std::string needle;  // must appear in stderr
};

void ExpectRefused(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    std::string line;
    for (const auto& a : c.args) line += a + " ";
    SCOPED_TRACE(line);
    auto out = RunInfx(c.args);
    EXPECT_NE(out.exit_code, 0) << out.stdout_text;
    EXPECT_NE(out.stderr_text.find(c.needle), std::string::npos)
        << out.stderr_text;
    EXPECT_EQ(out.stderr_text.find("bad_alloc"), std::string::npos);
  }
}

// Defect 4: size typos ate memory, then died with std::bad_alloc. The
// server URL is never reached: every case fails before connecting.
TEST(FlagChecksCliTest, ImplausibleSizesNameTheirFlag) {
  const std::vector<std::string> bench = {"bench", "--base-url",
                                          "http://127.0.0.1:1", "--model", "m"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = bench;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  ExpectRefused({
      {with({"--input-len", "4294967312"}), "--input-len"},
      {with({"--output-len", "1e11"}), "--output-len"},
      {with({"--output-len", "100000000000"}), "--output-len"},
      {with({"--num-prompts", "1e11"}), "--num-prompts"},
      {with({"--num-prompts", "100000000000"}), "--num-prompts"},
      {with({"--num-prompts", "5000000", "--input-len", "100000"}),
       "--num-prompts"},
      {{"plan", "--model", "llama-3.1-8b", "--gpus", "100000"}, "--gpus"},
      {{"plan", "--model", "llama-3.1-8b", "--isl", "4294967312"}, "--isl"},
      {{"plan", "--model", "llama-3.1-8b", "--isl", "0"}, "--isl"},
      {{"model", "show", "llama-3.1-8b", "--context", "4294967312000"},
       "--context"},
  });
}

// Defect 14: NaN and other nonsense was accepted.
TEST(FlagChecksCliTest, NanAndNonsenseAreRefused) {
  const std::vector<std::string> bench = {"bench", "--base-url",
                                          "http://127.0.0.1:1", "--model", "m"};
  auto bench_with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = bench;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::vector<std::string> plan = {"plan", "--model", "llama-3.1-8b"};
  auto plan_with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = plan;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::vector<std::string> emulate = {"emulate", "--model",
                                            "llama-3.1-8b", "--port", "0"};
  auto emulate_with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = emulate;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  ExpectRefused({
      {plan_with({"--margin", "nan"}), "--margin"},
      {plan_with({"--range-ratio", "nan"}), "--range-ratio"},
      {plan_with({"--mtp-acceptance", "nan"}), "--mtp-acceptance"},
      {bench_with({"--range-ratio", "nan"}), "--range-ratio"},
      {bench_with({"--prefix-len", "-1"}), "--prefix-len"},
      {bench_with({"--metric-percentiles", "nan"}), "--metric-percentiles"},
      {emulate_with({"--time-scale", "nan"}), "--time-scale"},
      {emulate_with({"--faults", "drop:nan"}), "--faults"},
      // llama-3.1-8b has 32 attention heads and 8 KV heads.
      {emulate_with({"--tp", "3"}), "32 attention heads"},
      {emulate_with({"--tp", "1024"}), "--tp 1024"},
      {emulate_with({"--tp", "100000"}), "--tp"},
  });
}

TEST(FlagChecksCliTest, MessagesSayWhatWasExpected) {
  auto zero = RunInfx({"model", "show", "llama-3.1-8b", "--context", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.stderr_text.find("--context"), std::string::npos);
  EXPECT_NE(zero.stderr_text.find("0 is not a positive integer"),
            std::string::npos)
      << zero.stderr_text;
  EXPECT_EQ(zero.stderr_text.find("1.79"), std::string::npos);

  auto nan = RunInfx({"plan", "--model", "llama-3.1-8b", "--margin", "nan"});
  EXPECT_NE(nan.stderr_text.find("not a finite number"), std::string::npos)
      << nan.stderr_text;

  // A config.json number that overflows a double names the file.
  const std::string dir = testing::ScratchDir("flag_checks_overflow");
  const std::string config = dir + "/config.json";
  ASSERT_TRUE(WriteFileAtomic(config,
                              R"({"hidden_size": 1e999, "num_hidden_layers": 2,
                          "num_attention_heads": 4, "vocab_size": 10,
                          "intermediate_size": 8})")
                  .ok());
  auto overflow = RunInfx({"model", "show", config});
  EXPECT_EQ(overflow.exit_code, 1);
  EXPECT_NE(overflow.stderr_text.find(config), std::string::npos)
      << overflow.stderr_text;
}

TEST(FlagChecksCliTest, PlausibleValuesStillWork) {
  auto ok = RunInfx({"plan", "--model", "llama-3.1-8b", "--gpus", "8",
                     "--margin", "0.1", "--range-ratio", "0.8", "--json"});
  EXPECT_EQ(ok.exit_code, 0) << ok.stderr_text;
  auto show = RunInfx({"model", "show", "llama-3.1-8b", "--context", "4096"});
  EXPECT_EQ(show.exit_code, 0) << show.stderr_text;
}

}  // namespace
}  // namespace infx
